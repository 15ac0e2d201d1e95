import Brokerage
import Foundation
import JWTKit
import Logging

/// Issues and checks HS256 access tokens. A token alone is not enough: its session must
/// exist and be live, so revoking a session ends the token before it expires.
public struct TokenService: Sendable {
    let keys: JWTKeyCollection
    public let lifetime: Duration

    /// `secret` must be at least 32 bytes (HS256 needs a key as long as its hash).
    public init(secret: String, lifetime: Duration = .seconds(3600)) async {
        precondition(secret.utf8.count >= 32, "JWT secret must be at least 32 bytes")
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
        self.lifetime = lifetime
    }

    func issue(user: User, session: Session) async throws -> String {
        try await keys.sign(
            AccessToken(
                sub: .init(value: user.id), sid: session.id, role: user.role.rawValue,
                iat: .init(value: Date(timeIntervalSince1970: TimeInterval(session.createdAt))),
                exp: .init(value: Date(timeIntervalSince1970: TimeInterval(session.expiresAt)))))
    }

    /// The identity in a valid token, or `nil` for a forged, malformed or expired one.
    func verify(_ token: String) async -> (userID: String, sessionID: String)? {
        guard let payload = try? await keys.verify(token, as: AccessToken.self) else { return nil }
        return (payload.sub.value, payload.sid)
    }
}

extension TokenService {
    /// The server's token service: `GP4U_JWT_SECRET`, or the secret stored in the data
    /// folder (generated on first use).
    public static func forServer(_ config: ServerConfiguration, logger: Logger) async throws -> TokenService {
        if let configured = config.jwtSecret { return await TokenService(secret: configured) }
        let stored = try SecretStore.jwtSecret(dataDir: config.dataDir)
        if stored.generated {
            logger.notice(
                "generated a JWT secret in \(config.dataDir)/jwt-secret; set GP4U_JWT_SECRET to manage it yourself")
        }
        return await TokenService(secret: stored.secret)
    }
}

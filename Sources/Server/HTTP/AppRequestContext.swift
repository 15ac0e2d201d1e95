import Brokerage
import Foundation
import Hummingbird
import NIOCore

/// Per-request state: a request id for logs and the authenticated caller, if any.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's own `X-Request-Id` when it sent a valid one, else Hummingbird's id (a
    /// random prefix and a counter; a UUID per request cost a read of /dev/urandom).
    public var requestID: String {
        get { clientRequestID ?? id }
        set { clientRequestID = newValue }
    }
    private var clientRequestID: String?
    /// Set by `AuthMiddleware` from a valid bearer token.
    public var identity: Identity?
    /// Why the Authorization header sent was not accepted (a private route answers it).
    var tokenProblem: APIError?
    /// The client's IP address, for the per-address limits: the peer's, or behind a
    /// trusted proxy the one it forwarded (``ForwardedClientMiddleware``).
    public internal(set) var clientIP: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientIP = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The contract's body limit: larger bodies get 413 `payload_too_large`.
    public var maxUploadSize: Int { 1 << 20 }
}

/// Who is asking: the user behind a verified token and its session.
public struct Identity: Sendable {
    public let userID: String
    public let role: Role
    public let sessionID: String
}

extension AppRequestContext {
    /// The caller, or 401: `invalid_token` for a token that was sent and refused,
    /// `unauthenticated` when none was.
    func requireIdentity() throws -> Identity {
        guard let identity else { throw tokenProblem ?? APIError.unauthenticated }
        return identity
    }

    func require(role: Role) throws -> Identity {
        let identity = try requireIdentity()
        guard identity.role == role else { throw APIError.forbidden("this needs the \(role.rawValue) role") }
        return identity
    }
}

import Brokerage
import Foundation

extension AccountService {
    /// A stored session and its token for a user who proved who they are, by password or
    /// by a Sign-In with Ethereum signature from an address the account linked: both ways
    /// get the same session, lifetime and token.
    func startSession(for user: User) async throws -> Login {
        let created = clock.epochSeconds
        let lifetime = tokens.lifetime.components.seconds
        let session = Session(
            id: UUID().uuidString.lowercased(), userID: user.id, createdAt: created, expiresAt: created + lifetime)
        try await store.createSession(session)
        return Login(accessToken: try await tokens.issue(user: user, session: session), expiresIn: lifetime, user: user)
    }
}

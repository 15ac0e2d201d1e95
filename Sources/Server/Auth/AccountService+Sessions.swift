import Brokerage
import Foundation

extension AccountService {
    /// A session and its token for a user who proved who they are without the password
    /// (a Sign-In with Ethereum signature by an address the account linked): the same
    /// stored session, lifetime and token as a password login.
    func startSession(for user: User) async throws -> Login {
        let created = clock.epochSeconds
        let lifetime = tokens.lifetime.components.seconds
        let session = Session(
            id: UUID().uuidString.lowercased(), userID: user.id, createdAt: created, expiresAt: created + lifetime)
        try await store.createSession(session)
        return Login(accessToken: try await tokens.issue(user: user, session: session), expiresIn: lifetime, user: user)
    }
}

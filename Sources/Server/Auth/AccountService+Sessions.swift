import Brokerage
import Foundation
import HummingbirdBcrypt

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

    /// Logout: the caller's session is revoked and its token stops working at once.
    func logout(_ identity: Identity) async throws {
        try await store.revokeSession(id: identity.sessionID)
    }

    /// Changes the caller's password once the current one is proved (throttled like a
    /// login, so a stolen token cannot guess it) and ends every other session: whoever
    /// held the old password or another token is out.
    func changePassword(_ identity: Identity, current: String, new: String, clientIP: String) async throws {
        do throws(AccountsError) { try PasswordPolicy.validate(new) } catch {
            throw APIError.validation("new_\(error.description)", field: "new_password")
        }
        guard new != current else {
            throw APIError.validation("new_password must differ from current_password", field: "new_password")
        }
        guard let user = try await store.user(id: identity.userID) else { throw AccountsError.userNotFound }
        guard try await checkPassword(current, of: user, email: user.email.value, clientIP: clientIP) else {
            throw AccountsError.wrongPassword
        }
        let cost = bcryptCost
        let hash = try await Self.offloaded { Bcrypt.hash(new, cost: cost) }
        try await store.changePassword(userID: user.id, hash: hash, keeping: identity.sessionID)
    }
}

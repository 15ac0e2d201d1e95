/// Persistence of users and login sessions, phrased in domain terms.
public protocol UserStore: Sendable {
    /// Creates the user; throws `AccountsError.emailTaken` if the email exists,
    /// even when two signups race.
    func createUser(_ user: User) async throws -> User
    func user(id: String) async throws -> User?
    func user(email: Email) async throws -> User?
    func updateTheme(userID: String, theme: ThemePreference) async throws -> User
    /// Saves (or with nil removes) the key put on the user's rented machines.
    func updateSSHKey(userID: String, key: SSHKeyRecord?) async throws -> User
    /// Records a session so a token can be checked against it (and revoked later).
    func createSession(_ session: Session) async throws
    func session(id: String) async throws -> Session?
    /// The session and the user it belongs to, read together: every authenticated request
    /// asks, and on PostgreSQL a second round trip was a visible share of a request's cost.
    func sessionAndUser(sessionID: String) async throws -> (session: Session, user: User)?
    /// Revokes one session (logout): its token stops working at once. Revoking an
    /// unknown or already revoked session is no error.
    func revokeSession(id: String) async throws
    /// Stores the user's new password hash and revokes all their sessions but
    /// `keeping`, in one transaction, so a stolen token dies with the old password.
    func changePassword(userID: String, hash: String, keeping: String?) async throws
}

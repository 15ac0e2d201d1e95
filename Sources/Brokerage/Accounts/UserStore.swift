/// Persistence of users and login sessions, phrased in domain terms.
public protocol UserStore: Sendable {
    /// Creates the user; throws `AccountsError.emailTaken` if the email exists,
    /// even when two signups race.
    func createUser(_ user: User) async throws -> User
    func user(id: String) async throws -> User?
    func user(email: Email) async throws -> User?
    func updateTheme(userID: String, theme: ThemePreference) async throws -> User
    /// Records a session so a token can be checked against it (and revoked later).
    func createSession(_ session: Session) async throws
    func session(id: String) async throws -> Session?
}

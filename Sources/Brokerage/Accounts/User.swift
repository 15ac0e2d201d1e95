/// A person or API client with a login. The password hash never leaves the store layer
/// in a response: `User` carries it only for verification at login.
public struct User: Sendable, Hashable, Identifiable {
    public var id: String
    public var email: Email
    public var passwordHash: String
    public var role: Role
    public var themePreference: ThemePreference
    /// The OpenSSH key put on machines rented for this user's bookings.
    public var sshKey: SSHKeyRecord?
    /// Seconds since 1970 (UTC).
    public var createdAt: Int64

    public init(
        id: String, email: Email, passwordHash: String, role: Role,
        themePreference: ThemePreference = .system, sshKey: SSHKeyRecord? = nil, createdAt: Int64
    ) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.role = role
        self.themePreference = themePreference
        self.sshKey = sshKey
        self.createdAt = createdAt
    }
}

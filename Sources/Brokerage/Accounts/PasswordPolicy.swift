/// Rules a new password must meet. Length beats composition rules (NIST SP 800-63B):
/// at least 10 characters, at most 72 bytes (bcrypt ignores the rest, so we refuse it).
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumBytes = 72

    public static func validate(_ password: String) throws(AccountsError) {
        if password.count < minimumLength {
            throw .weakPassword("must be at least \(minimumLength) characters")
        }
        if password.utf8.count > maximumBytes {
            throw .weakPassword("must be at most \(maximumBytes) bytes")
        }
        if Set(password).count < 3 {
            throw .weakPassword("must not repeat one or two characters")
        }
    }
}

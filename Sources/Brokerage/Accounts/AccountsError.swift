/// Why an accounts operation was refused. Messages are safe to show to the caller.
public enum AccountsError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidEmail(String)
    case weakPassword(String)
    case emailTaken
    case invalidCredentials
    /// A password change named the wrong current password.
    case wrongPassword
    case userNotFound
    case sessionRevoked

    public var description: String {
        switch self {
        case .invalidEmail(let why): "email \(why)"
        case .weakPassword(let why): "password \(why)"
        case .emailTaken: "an account with this email already exists; log in instead"
        case .invalidCredentials: "email or password is wrong"
        case .wrongPassword: "current_password is wrong"
        case .userNotFound: "user not found"
        case .sessionRevoked: "session has ended; log in again"
        }
    }
}

/// Why an SSH public key was refused.
public enum SSHKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)
    case tooShort(String)

    public var description: String {
        switch self {
        case .malformed(let why): "not an OpenSSH public key: \(why)"
        case .unsupported(let why), .tooShort(let why): why
        }
    }
}

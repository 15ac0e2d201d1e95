/// Why ABI data was refused.
public enum ABIError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongLength(expected: Int, actual: Int)
    case wrongSelector
    case wrongTopicCount(Int)
    case wrongTopic
    case nonZeroPadding
    case valueTooLarge
    case malformedDynamic
    case invalidUTF8
    /// A type string that is not a supported ABI type (e.g. `uint7`, `bytes33`, `tuple`).
    case unsupportedType(String)
    /// A value that does not match its declared type (wrong shape, count or range).
    case typeMismatch(String)

    public var description: String {
        switch self {
        case .wrongLength(let e, let a): "ABI data has \(a) bytes; expected \(e)"
        case .wrongSelector: "call data does not start with the expected function selector"
        case .wrongTopicCount(let n): "Transfer log must have 3 topics, got \(n)"
        case .wrongTopic: "log topic0 is not the ERC-20 Transfer event"
        case .nonZeroPadding: "ABI word has non-zero padding bytes"
        case .valueTooLarge: "value does not fit in uint256"
        case .malformedDynamic: "ABI dynamic value has a bad offset or length"
        case .invalidUTF8: "ABI string is not valid UTF-8"
        case .unsupportedType(let t):
            "unsupported ABI type \"\(t)\"; use uintN, intN, address, bool, bytesN, bytes, string and arrays of them"
        case .typeMismatch(let m): "ABI value does not match its type: \(m)"
        }
    }
}

/// Why reading the chain failed. Messages are safe to log and show: implementations must
/// never put RPC URLs (which often embed API keys) or credentials in them.
public enum ChainReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The node refused the log range as too wide or too large an answer; `suggested`
    /// is the range it said would work, when it said one.
    case rangeRefused(suggested: ClosedRange<UInt64>?)
    /// The node or network failed: timeout, HTTP 429 or 5xx, a JSON-RPC error, a
    /// malformed answer. Retried on the next poll.
    case unavailable(String)

    public var description: String {
        switch self {
        case .rangeRefused(let suggested?):
            "the node refused the log range as too large; it suggested blocks \(suggested.lowerBound)...\(suggested.upperBound)"
        case .rangeRefused(nil): "the node refused the log range as too large; scanning in smaller chunks"
        case .unavailable(let reason): "the chain node is unavailable (\(reason)); retrying on the next poll"
        }
    }
}

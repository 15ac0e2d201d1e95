import Ethereum
import JSON

/// Which block a call refers to.
///
/// `safe` and `finalized` let a chain's confirmation rule follow the node's finality
/// where configured; `pending` is only meaningful for nonces (``RPCClient/transactionCount(_:at:)``).
public enum BlockTag: Sendable, Hashable {
    case number(UInt64)
    case latest
    case safe
    case finalized
    case pending

    /// The JSON-RPC parameter: a hex quantity or the tag's name.
    public var parameter: JSONValue {
        switch self {
        case .number(let n): .string(Hex.quantity(n))
        case .latest: "latest"
        case .safe: "safe"
        case .finalized: "finalized"
        case .pending: "pending"
        }
    }
}

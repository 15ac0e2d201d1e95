import Ethereum

/// What a caller should do about an ``RPCError``.
public enum RPCErrorClass: Sendable, Hashable {
    /// Transient: retry, on another endpoint if there is one.
    case retryable
    /// `eth_getLogs` covered too many blocks or logs: narrow the range (to `suggested`
    /// when the node proposed one) and try again; the endpoint is fine.
    case rangeTooLarge(suggested: ClosedRange<UInt64>?)
    /// Retrying the same request cannot help (bad params, unknown method, malformed
    /// answer, a transaction the node refused).
    case permanent
}

extension RPCError {
    /// Sorts the error by what to do next, from the HTTP status, the JSON-RPC code and
    /// the wordings real nodes and providers use (geth, Erigon, Infura, Alchemy).
    public var classification: RPCErrorClass {
        switch self {
        // An HTTP error without a JSON-RPC body is the endpoint's problem (overloaded, down,
        // a wrong path or API key), not the request's: another endpoint may answer.
        case .timeout, .connectionFailed, .httpStatus: return .retryable
        case .responseTooLarge: return .rangeTooLarge(suggested: nil)
        case .malformedResponse, .noEndpoints, .cancelled: return .permanent
        case .node(let code, let message, _):
            let text = message.lowercased()
            if Self.rangeWordings.contains(where: text.contains) {
                return .rangeTooLarge(suggested: Self.suggestedRange(in: text))
            }
            if Self.rejectionWordings.contains(where: text.contains) { return .permanent }
            // -32000 generic server error, -32005 limit exceeded, -32603 internal error.
            return [-32000, -32005, -32603].contains(code) ? .retryable : .permanent
        }
    }

    /// Wordings of "your log query is too big", lowercased.
    static let rangeWordings = [
        "query returned more than", "block range is too wide", "block range too large", "range is too large",
        "exceed maximum block range", "this block range should work", "logs matched by query exceeds limit",
        "response too large", "response size exceeded", "limited to a",
    ]

    /// Transaction rejections that share -32000 with transient errors but must be
    /// understood by the sender, never retried blindly.
    static let rejectionWordings = [
        "nonce too low", "nonce too high", "replacement transaction underpriced", "already known",
        "transaction underpriced", "insufficient funds", "intrinsic gas too low", "exceeds block gas limit",
        "execution reverted", "invalid sender", "minimum needed", "max fee per gas less than block base fee",
    ]

    /// Parses the range in "this block range should work: [0x1, 0x2]" (order-insensitive
    /// on bounds; `nil` when absent or unreadable).
    static func suggestedRange(in text: String) -> ClosedRange<UInt64>? {
        guard let marker = text.range(of: "should work") else { return nil }
        let rest = text[marker.upperBound...]
        guard let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") else { return nil }
        let parts = rest[rest.index(after: open)..<close].split(separator: ",").map { $0.trimmingWhitespace() }
        guard parts.count == 2, let a = try? Hex.quantity(parts[0]), let b = try? Hex.quantity(parts[1]) else {
            return nil
        }
        return min(a, b)...max(a, b)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}

/// Why a JSON-RPC call failed.
///
/// Every case names the endpoint by its redacted form (`https://host/…`) only: RPC URLs
/// hold API keys, and these messages reach logs, metrics and `gp4u chain status`.
/// ``classification`` tells callers whether to retry, shrink a log range or give up.
public enum RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No answer within the transport's timeout.
    case timeout(endpoint: String)
    /// The connection could not be made or broke before an answer.
    case connectionFailed(endpoint: String)
    /// A non-2xx HTTP status without a JSON-RPC error in the body.
    case httpStatus(Int, endpoint: String)
    /// A JSON-RPC `error` object from the node (message already scrubbed of the URL).
    case node(code: Int, message: String, endpoint: String)
    /// The body exceeded the transport's size limit.
    case responseTooLarge(limit: Int, endpoint: String)
    /// The answer is not what the method promises (not JSON, missing ids, bad fields).
    case malformedResponse(String, endpoint: String)
    /// The pool has no endpoint configured.
    case noEndpoints
    /// The calling task was cancelled (shutdown); never retried.
    case cancelled

    /// Builds a node error, hiding the URL if the node quoted it and folding a string
    /// `data` member into the message (some nodes put the suggested range there).
    package init(node error: RPCErrorObject, endpoint: RPCEndpoint) {
        var message = error.message
        if case .string(let extra)? = error.data, !extra.isEmpty { message += " (\(extra))" }
        self = .node(
            code: error.code, message: String(endpoint.scrub(message).prefix(2_000)), endpoint: endpoint.redacted)
    }

    /// The redacted endpoint the error came from, if any.
    public var endpoint: String? {
        switch self {
        case .timeout(let e), .connectionFailed(let e), .httpStatus(_, let e), .node(_, _, let e),
            .responseTooLarge(_, let e), .malformedResponse(_, let e):
            e
        case .noEndpoints, .cancelled: nil
        }
    }

    public var description: String {
        switch self {
        case .timeout(let e): "RPC endpoint \(e) did not answer in time; it is retried, check the node if this persists"
        case .connectionFailed(let e): "could not connect to RPC endpoint \(e); check that the node is up and reachable"
        case .httpStatus(let s, let e):
            "RPC endpoint \(e) answered HTTP \(s)"
                + (s == 429 ? " (rate limited; slow polling or add an endpoint)" : "")
        case .node(let c, let m, let e): "RPC endpoint \(e) returned error \(c): \(m.prefix(300))"
        case .responseTooLarge(let l, let e):
            "RPC endpoint \(e) sent more than \(l) bytes; the request is narrowed or refused"
        case .malformedResponse(let r, let e): "RPC endpoint \(e) sent a malformed response: \(r)"
        case .noEndpoints: "no RPC endpoint is configured for this chain; set its GP4U_CHAIN_<ID>_RPC_URLS"
        case .cancelled: "RPC call cancelled"
        }
    }
}

/// Sends JSON-RPC calls to one endpoint and returns the raw replies.
///
/// The interface the ``RPCEndpointPool`` retries and fails over with; the live
/// implementation is ``HTTPJSONRPCTransport``, tests may script their own.
/// Implementations throw only ``RPCError`` for failures of the exchange itself
/// (timeouts, connections, HTTP status, unreadable bodies); an `error` object in a reply
/// is data and comes back as `.failure` in the reply.
public protocol JSONRPCTransport: Sendable {
    /// Sends one call as a JSON-RPC 2.0 request object.
    func send(_ request: RPCRequest, to endpoint: RPCEndpoint) async throws(RPCError) -> RPCReply

    /// Sends several calls as one JSON-RPC 2.0 batch array; replies are in request order.
    func send(batch requests: [RPCRequest], to endpoint: RPCEndpoint) async throws(RPCError) -> [RPCReply]
}

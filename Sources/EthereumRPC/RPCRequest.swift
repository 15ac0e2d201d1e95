import JSON

/// One JSON-RPC call: a method and its positional params.
///
/// Ids are not part of the request: the transport numbers the calls of each HTTP body and
/// matches the replies back, so callers cannot mix up the answers of a batch.
public struct RPCRequest: Sendable, Hashable {
    public let method: String
    public let params: [JSONValue]

    public init(_ method: String, _ params: [JSONValue] = []) {
        self.method = method
        self.params = params
    }
}

/// The `error` member of a JSON-RPC response, as the node sent it.
public struct RPCErrorObject: Error, Sendable, Hashable {
    public let code: Int
    public let message: String
    public let data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }
}

/// What the node answered to one call: its `result`, or its `error` object.
public typealias RPCReply = Result<JSONValue, RPCErrorObject>

/// A result that does not have the shape its method promises (a missing field, a padded
/// quantity, a 31-byte hash). The pool turns it into ``RPCError/malformedResponse(_:endpoint:)``.
public struct RPCResultError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

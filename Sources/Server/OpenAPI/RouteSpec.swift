import Hummingbird
import JSON

/// What the API promises about one route: the source of both the router entry and its
/// OpenAPI operation, so the document cannot drift from the routes that exist.
public struct RouteSpec: Sendable {
    public enum Access: String, Sendable {
        case `public`, user, `operator`
    }

    public let method: HTTPRequest.Method
    /// OpenAPI-style template, e.g. `/api/v1/reservations/{id}`.
    public let path: String
    public let summary: String
    public let tag: String
    public let access: Access
    /// JSON schema of the request body, if any.
    public let body: JSONValue?
    /// Extra success/error statuses besides the defaults, with descriptions.
    public let responses: [Int: String]
    public let parameters: [String]
    /// JSON schema of the success body, derived from the type the handler encodes.
    public let returns: JSONValue?
    /// Statuses whose body is `returns` rather than the error shape (every 2xx but 204,
    /// and e.g. `/ready`'s 503).
    public let returnsOn: Set<Int>
    /// The media type of a body that is not JSON (HTML, Prometheus text, assets).
    public let produces: String?

    init(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, access: Access = .public,
        body: JSONValue? = nil, returns: (any Decodable.Type)? = nil, keys: SchemaDecoder.Keys = .asDeclared,
        returnsOn: Set<Int> = [], produces: String? = nil, responses: [Int: String] = [200: "OK"], query: [String] = []
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.access = access
        self.body = body
        self.responses = responses
        self.parameters = query
        self.produces = produces
        self.returnsOn = returnsOn.union(responses.keys.filter { (200..<300).contains($0) && $0 != 204 })
        do {
            self.returns = try returns.map { try SchemaDecoder.schema(of: $0, keys: keys) }
        } catch {
            // A view the decoder cannot walk is a programming error every test meets at once.
            preconditionFailure("no schema for \(returns!) of \(method) \(path): \(error)")
        }
    }

    /// Hummingbird's syntax for the same template: `{id}` → `:id`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { seg in
            seg.hasPrefix("{") && seg.hasSuffix("}") ? ":" + seg.dropFirst().dropLast() : String(seg)
        }.joined(separator: "/")
    }

    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }
}

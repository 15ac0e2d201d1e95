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

    public init(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, access: Access = .public,
        body: JSONValue? = nil, responses: [Int: String] = [200: "OK"], query: [String] = []
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.access = access
        self.body = body
        self.responses = responses
        self.parameters = query
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

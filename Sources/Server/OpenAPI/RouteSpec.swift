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
    /// JSON schema of the request body, if any: derived from the type the handler decodes,
    /// with the route's annotations laid over it.
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
        accepts: (any Decodable.Type)? = nil, body: JSONValue? = nil, returns: (any Decodable.Type)? = nil,
        keys: SchemaDecoder.Keys = .asDeclared,
        returnsOn: Set<Int> = [], produces: String? = nil, responses: [Int: String] = [200: "OK"], query: [String] = []
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.access = access
        self.responses = responses
        self.parameters = query
        self.produces = produces
        self.returnsOn = returnsOn.union(responses.keys.filter { (200..<300).contains($0) && $0 != 204 })
        do {
            self.returns = try returns.map { try SchemaDecoder.schema(of: $0, keys: keys) }
            self.body = try accepts.map { try Self.requestSchema($0, annotations: body) } ?? body
        } catch {
            // A type the decoder cannot walk, or an annotation naming a key the body type
            // does not read, is a programming error every test meets at once.
            preconditionFailure("no schema for \(method) \(path): \(error)")
        }
    }

    struct AnnotationDrift: Error, CustomStringConvertible {
        let keys: [String]
        var description: String { "annotated keys the body type does not read: \(keys.joined(separator: ", "))" }
    }

    /// The keys and types `type` decodes, with `annotations` (examples, patterns, enums,
    /// keys a route insists on) laid over them property by property.
    static func requestSchema(_ type: any Decodable.Type, annotations: JSONValue?) throws -> JSONValue {
        let derived = try SchemaDecoder.schema(of: type)
        guard case .object(var schema) = derived, case .object(var properties)? = schema["properties"],
            case .object(let notes)? = annotations
        else { return derived }
        if case .object(let annotated)? = notes["properties"] {
            let unknown = annotated.keys.filter { properties[$0] == nil }.sorted()
            guard unknown.isEmpty else { throw AnnotationDrift(keys: unknown) }
            for (key, note) in annotated {
                guard case .object(var property)? = properties[key], case .object(let extra) = note else { continue }
                property.merge(extra) { _, annotation in annotation }
                properties[key] = .object(property)
            }
            schema["properties"] = .object(properties)
        }
        let required = Set(Self.strings(schema["required"]) + Self.strings(notes["required"]))
        if !required.isEmpty { schema["required"] = .array(required.sorted().map(JSONValue.string)) }
        for (key, value) in notes where schema[key] == nil { schema[key] = value }
        return .object(schema)
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap(\.string)
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

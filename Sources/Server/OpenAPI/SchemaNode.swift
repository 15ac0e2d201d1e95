import JSON

/// One value's shape while ``SchemaDecoder`` learns it; a reference so that containers
/// handed out for a value can fill it in.
final class SchemaNode {
    enum Shape {
        case unknown
        case fixed(JSONValue)
        case object([String: SchemaNode])
        case array(SchemaNode)
    }

    var shape = Shape.unknown
    /// Written as `null` when absent (``Nullable``), rather than left out.
    var nullable = false
    /// Keys decoded with `decodeIfPresent`: the encoder leaves them out when nil.
    var optionalKeys: Set<String> = []

    func becomeObject() {
        if case .object = shape { return }
        shape = .object([:])
    }

    func child(_ key: String) -> SchemaNode {
        guard case .object(var children) = shape else { preconditionFailure("keys belong to objects") }
        if let existing = children[key] { return existing }
        let node = SchemaNode()
        children[key] = node
        shape = .object(children)
        return node
    }

    var schema: JSONValue {
        let plain: JSONValue =
            switch shape {
            case .unknown: [:]
            case .fixed(let schema): schema
            case .array(let items): ["type": "array", "items": items.schema]
            case .object(let children):
                Self.object(
                    properties: children.mapValues(\.schema),
                    required: children.keys.filter { !optionalKeys.contains($0) }.sorted())
            }
        return nullable ? Self.nullable(plain) : plain
    }

    private static func object(properties: [String: JSONValue], required: [String]) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        return .object(schema)
    }

    private static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var members) = schema, case .string(let type)? = members["type"] else {
            return ["anyOf": [schema, ["type": "null"]]]
        }
        members["type"] = [.string(type), "null"]
        if case .array(let values)? = members["enum"] { members["enum"] = .array(values + [.null]) }
        return .object(members)
    }
}

import Foundation
import JSON

/// Checks a JSON value against the subset of JSON Schema the OpenAPI document uses
/// (type, properties, required, items, enum, anyOf, pattern, $ref into the document).
/// Stricter than the standard on purpose: an object schema that lists `properties` and
/// no `additionalProperties` admits no undocumented key, so a field added to a view without
/// the document changing fails the route tests.
struct SchemaValidator {
    let document: JSONValue

    func errors(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let s) = schema else { return [] }
        if case .string(let ref)? = s["$ref"] { return errors(value, resolve(ref), at: path) }
        if case .array(let options)? = s["anyOf"] {
            let failures = options.map { errors(value, $0, at: path) }
            return failures.contains(where: \.isEmpty) ? [] : ["\(path): matches no anyOf option: \(failures)"]
        }
        var found: [String] = []
        if let type = s["type"] {
            let allowed: [String] =
                switch type {
                case .string(let t): [t]
                case .array(let ts): ts.compactMap(\.string)
                default: []
                }
            guard allowed.contains(where: { Self.matches(value, type: $0) }) else {
                return ["\(path): \(value.kind) where the document says \(allowed.joined(separator: " or "))"]
            }
        }
        if case .array(let options)? = s["enum"], !options.contains(value) {
            found.append("\(path): \(value) is not one of \(options)")
        }
        if case .string(let pattern)? = s["pattern"], case .string(let text) = value,
            text.range(of: pattern, options: .regularExpression) == nil
        {
            found.append("\(path): \"\(text)\" does not match \(pattern)")
        }
        if case .object(let members) = value {
            var properties: [String: JSONValue] = [:]
            if case .object(let declared)? = s["properties"] { properties = declared }
            if case .array(let required)? = s["required"] {
                for case .string(let key) in required where members[key] == nil {
                    found.append("\(path): required key \(key) missing")
                }
            }
            for (key, member) in members {
                if let property = properties[key] {
                    found += errors(member, property, at: "\(path).\(key)")
                } else if let extra = s["additionalProperties"], extra != .bool(false) {
                    found += errors(member, extra, at: "\(path).\(key)")
                } else if s["properties"] != nil {
                    found.append("\(path): key \(key) is not in the document")
                }
            }
        }
        if case .array(let elements) = value, let items = s["items"] {
            for (i, element) in elements.enumerated() { found += errors(element, items, at: "\(path)[\(i)]") }
        }
        return found
    }

    private func resolve(_ ref: String) -> JSONValue {
        ref.dropFirst(2).split(separator: "/").reduce(document) { node, name in
            node[String(name)] ?? .null
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("number", .number):
            true
        case ("integer", .number(let n)): n.rounded() == n
        default: false
        }
    }
}

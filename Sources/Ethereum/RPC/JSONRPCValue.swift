/// A JSON value as it travels in JSON-RPC params and results.
///
/// Results are kept as untyped JSON until ``EthereumRPC`` parses them strictly, so the
/// transport never has to know a method's result shape and a malformed field is reported
/// by the typed layer with the field's name.
public enum JSONRPCValue: Sendable, Hashable, ExpressibleByStringLiteral {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONRPCValue])
    case object([String: JSONRPCValue])

    public init(stringLiteral value: String) { self = .string(value) }

    /// The member `key` of an object, `nil` for anything else or a missing key.
    public subscript(key: String) -> JSONRPCValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The text of a string value.
    public var string: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }

    /// A short name of the value's kind, for error messages that must not echo data.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONRPCValue: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes any JSON: objects and arrays through their containers, then scalars.
    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: Key.self) {
            var members: [String: JSONRPCValue] = [:]
            for key in keyed.allKeys { members[key.stringValue] = try keyed.decode(JSONRPCValue.self, forKey: key) }
            self = .object(members)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var elements: [JSONRPCValue] = []
            while !unkeyed.isAtEnd { elements.append(try unkeyed.decode(JSONRPCValue.self)) }
            self = .array(elements)
            return
        }
        let scalar = try decoder.singleValueContainer()
        if scalar.decodeNil() {
            self = .null
        } else if let text = try? scalar.decode(String.self) {
            self = .string(text)
        } else if let flag = try? scalar.decode(Bool.self) {
            self = .bool(flag)
        } else {
            self = .number(try scalar.decode(Double.self))
        }
    }

    /// Encodes integral numbers without a fraction, as JSON-RPC ids are usually written.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var keyed = encoder.container(keyedBy: Key.self)
            for (name, member) in members { try keyed.encode(member, forKey: Key(stringValue: name)) }
        case .array(let elements):
            var unkeyed = encoder.unkeyedContainer()
            for element in elements { try unkeyed.encode(element) }
        case .null:
            var scalar = encoder.singleValueContainer()
            try scalar.encodeNil()
        case .bool(let flag):
            var scalar = encoder.singleValueContainer()
            try scalar.encode(flag)
        case .string(let text):
            var scalar = encoder.singleValueContainer()
            try scalar.encode(text)
        case .number(let n):
            var scalar = encoder.singleValueContainer()
            if let whole = Self.integral(n) { try scalar.encode(whole) } else { try scalar.encode(n) }
        }
    }
}

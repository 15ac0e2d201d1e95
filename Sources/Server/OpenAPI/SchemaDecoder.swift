import JSON

/// Learns a `Decodable` type's JSON shape by decoding one placeholder value of it: a
/// synthesized `init(from:)` asks for every key with its type, and says which keys are
/// optional (`decodeIfPresent` asks `decodeNil` first). So the OpenAPI document is derived
/// from the very types the routes encode, and a field added to a view is documented by
/// the same change.
///
/// Leaf types whose decoding validates text (amounts, addresses, slugs) describe
/// themselves through ``SchemaDescribed``; `[String: V]` becomes a map of V.
struct SchemaDecoder: Decoder {
    /// How the encoder writes keys: as declared, or converted like `JSONEncoder`'s
    /// `.convertToSnakeCase` (`successRate` → `success_rate`).
    enum Keys: Sendable {
        case asDeclared, snakeCase

        func name(_ key: some CodingKey) -> String {
            guard self == .snakeCase else { return key.stringValue }
            var out = ""
            for (i, c) in key.stringValue.enumerated() {
                if c.isUppercase && i > 0 { out.append("_") }
                out += c.lowercased()
            }
            return out
        }
    }

    let node: SchemaNode
    let keys: Keys
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The JSON schema of `type`'s encoding.
    static func schema(of type: any Decodable.Type, keys: Keys = .asDeclared) throws -> JSONValue {
        let node = SchemaNode()
        _ = try value(of: type, into: node, keys: keys, codingPath: [])
        return node.schema
    }

    /// Records `type`'s schema into `node` and returns a placeholder value of it.
    static func value<T: Decodable>(
        of type: T.Type, into node: SchemaNode, keys: Keys, codingPath: [any CodingKey]
    ) throws -> T {
        if let described = type as? any SchemaDescribed.Type {
            node.shape = .fixed(described.schema)
            return described.schemaPlaceholder as! T
        }
        if let map = type as? any SchemaStringMap.Type {
            node.shape = .fixed([
                "type": "object", "additionalProperties": try schema(of: map.schemaValueType, keys: keys),
            ])
            return map.schemaEmpty as! T
        }
        switch type {
        case is String.Type:
            node.shape = .fixed(["type": "string"])
            return "" as! T
        case is Bool.Type:
            node.shape = .fixed(["type": "boolean"])
            return false as! T
        case is Double.Type:
            node.shape = .fixed(["type": "number"])
            return 0.0 as! T
        case is Float.Type:
            node.shape = .fixed(["type": "number"])
            return Float(0) as! T
        default:
            if let integer = type as? any FixedWidthInteger.Type {
                node.shape = .fixed(["type": "integer"])
                return integer.zero as! T
            }
            return try T(from: SchemaDecoder(node: node, keys: keys, codingPath: codingPath))
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        node.becomeObject()
        return KeyedDecodingContainer(Keyed(node: node, keys: keys, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        Unkeyed(node: node, keys: keys, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        Single(node: node, keys: keys, codingPath: codingPath)
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let node: SchemaNode
        let keys: Keys
        let codingPath: [any CodingKey]
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { true }

        /// Asked before decoding an optional: the key may be absent.
        func decodeNil(forKey key: Key) throws -> Bool {
            node.optionalKeys.insert(keys.name(key))
            return false
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decode(generic: type, key) }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(generic: type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(generic: type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(generic: type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(generic: type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(generic: type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(generic: type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(generic: type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(generic: type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(generic: type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(generic: type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(generic: type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(generic: type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(generic: type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(generic: type, key) }

        private func decode<T: Decodable>(generic type: T.Type, _ key: Key) throws -> T {
            try SchemaDecoder.value(
                of: type, into: node.child(keys.name(key)), keys: keys, codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            let child = node.child(keys.name(key))
            child.becomeObject()
            return KeyedDecodingContainer(Keyed<NestedKey>(node: child, keys: keys, codingPath: codingPath + [key]))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            Unkeyed(node: node.child(keys.name(key)), keys: keys, codingPath: codingPath + [key])
        }

        func superDecoder() throws -> any Decoder { SchemaDecoder(node: node, keys: keys, codingPath: codingPath) }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            SchemaDecoder(node: node.child(keys.name(key)), keys: keys, codingPath: codingPath + [key])
        }
    }

    /// An array of one element: its schema is the items' schema.
    struct Unkeyed: UnkeyedDecodingContainer {
        let node: SchemaNode
        let keys: Keys
        let codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { 1 }
        var isAtEnd: Bool { currentIndex >= 1 }

        init(node: SchemaNode, keys: Keys, codingPath: [any CodingKey]) {
            self.node = node
            self.keys = keys
            self.codingPath = codingPath
            node.shape = .array(SchemaNode())
        }

        private var items: SchemaNode {
            guard case .array(let items) = node.shape else { preconditionFailure("an unkeyed node is an array") }
            return items
        }

        mutating func decodeNil() throws -> Bool {
            items.nullable = true
            return false
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            currentIndex += 1
            return try SchemaDecoder.value(of: type, into: items, keys: keys, codingPath: codingPath)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            currentIndex += 1
            items.becomeObject()
            return KeyedDecodingContainer(Keyed<NestedKey>(node: items, keys: keys, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            currentIndex += 1
            return Unkeyed(node: items, keys: keys, codingPath: codingPath)
        }

        mutating func superDecoder() throws -> any Decoder {
            currentIndex += 1
            return SchemaDecoder(node: items, keys: keys, codingPath: codingPath)
        }
    }

    struct Single: SingleValueDecodingContainer {
        let node: SchemaNode
        let keys: Keys
        let codingPath: [any CodingKey]

        /// Asked by a value written as `null` when absent (``Nullable``).
        func decodeNil() -> Bool {
            node.nullable = true
            return false
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decode(generic: type) }
        func decode(_ type: Bool.Type) throws -> Bool { try decode(generic: type) }
        func decode(_ type: String.Type) throws -> String { try decode(generic: type) }
        func decode(_ type: Double.Type) throws -> Double { try decode(generic: type) }
        func decode(_ type: Float.Type) throws -> Float { try decode(generic: type) }
        func decode(_ type: Int.Type) throws -> Int { try decode(generic: type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try decode(generic: type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try decode(generic: type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try decode(generic: type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try decode(generic: type) }
        func decode(_ type: UInt.Type) throws -> UInt { try decode(generic: type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(generic: type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(generic: type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(generic: type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(generic: type) }

        private func decode<T: Decodable>(generic type: T.Type) throws -> T {
            try SchemaDecoder.value(of: type, into: node, keys: keys, codingPath: codingPath)
        }
    }
}

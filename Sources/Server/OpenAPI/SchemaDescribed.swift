import JSON

/// A type whose JSON text is narrower than its JSON type (a decimal amount, an address, a
/// slug, one of a few words): it states its schema itself, and gives a value to stand in
/// while ``SchemaDecoder`` walks the types that hold it (decoding a placeholder string
/// would fail its validation).
protocol SchemaDescribed: Decodable {
    static var schema: JSONValue { get }
    static var schemaPlaceholder: Self { get }
}

extension SchemaDescribed where Self: CaseIterable & RawRepresentable, RawValue == String {
    static var schema: JSONValue { ["type": "string", "enum": .array(allCases.map { .string($0.rawValue) })] }
    static var schemaPlaceholder: Self { allCases.first! }
}

/// `[String: V]`: documented as a map of V (its keys are data, not fields).
protocol SchemaStringMap {
    static var schemaValueType: any Decodable.Type { get }
    static var schemaEmpty: Self { get }
}

extension Dictionary: SchemaStringMap where Key == String, Value: Decodable {
    static var schemaValueType: any Decodable.Type { Value.self }
    static var schemaEmpty: Self { [:] }
}

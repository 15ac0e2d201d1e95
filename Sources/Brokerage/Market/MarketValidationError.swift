/// A search or arbitrage request the market cannot answer as asked, with one message per
/// offending field. The server maps it to HTTP 422 with
/// `{"error":{"code":"validation_failed","message":...,"details":{field: message}}}`.
public struct MarketValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Field name (as in the query string) -> what is wrong and what to send instead.
    public var fields: [String: String]

    public init(fields: [String: String]) { self.fields = fields }

    public init(field: String, _ message: String) { self.fields = [field: message] }

    /// Stable machine-readable code for the API.
    public var code: String { "validation_failed" }

    public var description: String {
        "invalid request: " + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}

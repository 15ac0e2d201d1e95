import Brokerage
import Ethereum
import Foundation
import JSON

extension USDC: SchemaDescribed {
    static let schema: JSONValue = [
        "type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2,6}$",
        "description": "USDC as a decimal string, never a float (\"12.50\")",
    ]
    static var schemaPlaceholder: USDC { USDC(micro: 0) }

    /// An amount a client sends: a plain decimal of up to 6 places, no sign or exponent.
    static func requestSchema(example: String) -> JSONValue {
        ["type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,6})?$", "example": .string(example)]
    }
}

extension Address: SchemaDescribed {
    static let schema: JSONValue = [
        "type": "string", "pattern": "^0x[0-9a-fA-F]{40}$", "description": "EIP-55 checksummed address",
    ]
    static var schemaPlaceholder: Address { .zero }
}

extension Email: SchemaDescribed {
    static let schema: JSONValue = ["type": "string", "format": "email"]
    static var schemaPlaceholder: Email { Email(verbatim: "user@example.com") }
}

extension GPUModel: SchemaDescribed {
    static let schema: JSONValue = [
        "type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "description": "GPU model slug (\"rtx-4090\")",
    ]
    static var schemaPlaceholder: GPUModel { GPUModel.derived(id: "rtx-4090")! }
}

extension JSONValue: SchemaDescribed {
    static let schema: JSONValue = [:]
    static var schemaPlaceholder: JSONValue { .null }
}

/// The API writes times as RFC 3339 UTC text (routes that encode a `Date` set that strategy).
extension Date: SchemaDescribed {
    static let schema: JSONValue = ["type": "string", "format": "date-time"]
    static var schemaPlaceholder: Date { Date(timeIntervalSince1970: 0) }
}

extension ProviderID: SchemaDescribed {}
extension ProviderHealthSnapshot.Status: SchemaDescribed {}
extension CircuitBreaker.State: SchemaDescribed {}

import Ethereum
import Testing

/// JSON-RPC quantities and 32-byte hashes are parsed strictly: a padded, empty or
/// oversized value is refused, never "fixed".
@Suite("Hex quantities and hashes")
struct HexQuantityTests {
    @Test(
        "valid quantities",
        arguments: [("0x0", 0), ("0x1", 1), ("0x1a", 26), ("0xFF", 255), ("0xffffffffffffffff", UInt64.max)]
            as [(String, UInt64)])
    func valid(text: String, value: UInt64) throws {
        #expect(try Hex.quantity(text) == value)
        #expect(Hex.quantity(value) == text.lowercased())
    }

    @Test(
        "invalid quantities",
        arguments: [
            ("1a", HexQuantityError.missingPrefix), ("0x", .empty), ("0x01", .leadingZero), ("0x00", .leadingZero),
            ("0x1g", .invalidCharacter(offset: 3)), ("0x10000000000000000", .tooLarge(bits: 64)), ("", .missingPrefix),
        ])
    func invalid(text: String, error: HexQuantityError) {
        #expect(throws: error) { try Hex.quantity(text) }
    }

    @Test func bigQuantitiesUpTo256Bits() throws {
        #expect(try Hex.bigQuantity("0x" + String(repeating: "f", count: 64)) == BigUInt.uint256Max)
        #expect(throws: HexQuantityError.tooLarge(bits: 256)) {
            try Hex.bigQuantity("0x1" + String(repeating: "0", count: 64))
        }
        #expect(try Hex.bigQuantity("0x4a817c800") == BigUInt(20_000_000_000))
    }

    @Test func hashesAreExactly32Bytes() throws {
        let text = "0x" + String(repeating: "ab", count: 32)
        #expect(try Hash32(parsing: text).hex == text)
        #expect(try Hash32(parsing: text.uppercased().replacingOccurrences(of: "0X", with: "0x")).hex == text)
        #expect(throws: HexError.wrongLength(expected: 32, actual: 31)) {
            try Hash32(parsing: "0x" + String(repeating: "ab", count: 31))
        }
        #expect(throws: HexError.missingPrefix) { try Hash32(parsing: String(repeating: "ab", count: 32)) }
    }
}

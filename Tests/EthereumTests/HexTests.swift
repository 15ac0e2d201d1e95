import Ethereum
import TestSupport
import Testing

@Suite("Hex")
struct HexTests {
    @Test("round trip with and without prefix")
    func roundTrip() throws {
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "0x00abff")
        #expect(Hex.encode([]) == "0x")
        #expect(Hex.encode([0x01], prefix: false) == "01")
        #expect(try Hex.decode("0x00ABff") == [0x00, 0xab, 0xff])
        #expect(try Hex.decode("00abff", prefix: .optional) == [0x00, 0xab, 0xff])
        #expect(try Hex.decode("0x") == [])
    }

    @Test("contiguous and other inputs encode and decode alike")
    func storageKinds() throws {
        let bytes = (0...255).map(UInt8.init)
        let text = Hex.encode(bytes)
        #expect(Hex.encode(bytes.lazy.map { $0 }) == text)
        #expect(Hex.encode(bytes[1...], prefix: false) == String(text.dropFirst(4)))
        #expect(try Hex.decode(text) == bytes)
        #expect(try Hex.decode(text.dropFirst(2), prefix: .forbidden) == bytes)
    }

    @Test(
        "malformed hex is refused with a typed error",
        arguments: [
            ("0x123", HexError.oddLength(3)),
            ("0xzz", HexError.invalidCharacter(offset: 2)),
            ("0x0g", HexError.invalidCharacter(offset: 3)),
            ("0x 1", HexError.invalidCharacter(offset: 2)),
        ])
    func refused(_ input: String, _ expected: HexError) {
        #expect(throws: expected) { try Hex.decode(input) }
    }

    @Test("prefix policy")
    func prefixPolicy() {
        #expect(throws: HexError.missingPrefix) { try Hex.decode("ab", prefix: .required) }
        #expect(throws: HexError.unexpectedPrefix) { try Hex.decode("0xab", prefix: .forbidden) }
        #expect(HexError.oddLength(3).description.contains("odd"))
    }
}

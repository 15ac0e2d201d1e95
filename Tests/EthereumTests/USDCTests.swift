import BigInt
import Ethereum
import TestSupport
import Testing

@Suite("USDC amounts")
struct USDCTests {
    @Test(
        "exact parsing",
        arguments: [
            ("1000.5", Int64(1_000_500_000)), ("0.000001", 1), ("0", 0), ("123", 123_000_000),
            ("9223372036854.775807", Int64.max),
        ])
    func parses(_ text: String, _ micro: Int64) throws {
        #expect(try USDC(parsing: text).micro == micro)
    }

    @Test(
        "refused input names the problem",
        arguments: [
            ("1.0000001", USDCError.tooManyDecimals), ("-1", .negative), ("1e6", .exponent), ("1E6", .exponent),
            ("9223372036854.775808", .overflow), ("99999999999999999999", .overflow), ("", .empty),
            ("1.", .malformed("1.")), (".5", .malformed(".5")), ("1 000", .malformed("1 000")),
            ("1.2.3", .malformed("1.2.3")),
        ])
    func refused(_ text: String, _ expected: USDCError) {
        #expect(throws: expected) { try USDC(parsing: text) }
        #expect(!expected.description.isEmpty)
    }

    @Test("formatting")
    func formatting() throws {
        #expect(try USDC(parsing: "1000.5").description == "1000.50")
        #expect(USDC(micro: 123_456).description == "0.123456")
        #expect(USDC(micro: -3_000_000).description == "-3.00")
    }

    @Test("uint256 conversion is exact and overflow-checked")
    func uint256() throws {
        #expect(try USDC(parsing: "1.5").baseUnits() == 1_500_000)
        #expect(try USDC(baseUnits: 1_000_000) == USDC(micro: 1_000_000))
        #expect(throws: USDCError.overflow) { try USDC(baseUnits: BigUInt(Int64.max) + 1) }
        #expect(throws: USDCError.overflow) { try USDC(baseUnits: BigUInt.uint256Max) }
        #expect(throws: USDCError.negative) { try USDC(micro: -1).baseUnits() }
    }
}

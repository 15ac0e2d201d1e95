import Brokerage
import Testing

@Suite("DPP perf score fixed point")
struct DPPPerfScoreTests {
    static let parsed: [(String, Int64?)] = [
        ("82.6", 82_600), ("133", 133_000), ("0.125", 125), ("1.000", 1_000), ("0", 0),
        ("1.2345", nil), ("-1", nil), ("1e3", nil), ("", nil), (".5", nil), ("5.", nil), ("1.2.3", nil),
        ("99999999999999999999", nil),
    ]

    @Test("parses plain decimals with at most 3 places", arguments: parsed)
    func parse(text: String, milli: Int64?) {
        #expect(PerfScore(parsing: text)?.milli == milli)
    }

    @Test(
        "formats the shortest exact decimal and round-trips",
        arguments: [82_600, 133_000, 125, 1, 0, 100_010] as [Int64])
    func format(milli: Int64) {
        let score = PerfScore(milli: milli)
        #expect(PerfScore(parsing: score.description) == score)
    }

    @Test("rounds floating-point input to the nearest thousandth")
    func rounding() {
        #expect(PerfScore(rounding: 82.6)?.milli == 82_600)
        #expect(PerfScore(rounding: 0.0004)?.milli == 0)
        #expect(PerfScore(rounding: 1.0006)?.milli == 1_001)
        #expect(PerfScore(rounding: .nan) == nil)
        #expect(PerfScore(rounding: .infinity) == nil)
    }
}

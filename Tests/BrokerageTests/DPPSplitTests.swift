import Brokerage
import Ethereum
import TestSupport
import Testing

@Suite("DPP contribution split")
struct DPPSplitTests {
    static let knownAnswers: [(Int64, [Int64], [Int64])] = [
        (100, [1, 1, 1], [34, 33, 33]),
        (100, [2, 1], [67, 33]),
        (5, [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0]),
        (10, [0, 3, 0], [0, 10, 0]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (0, [5, 7], [0, 0]),
        (1_000_000, [82_600, 82_600, 36_000], [410_537, 410_537, 178_926]),
    ]

    @Test("known answers: largest remainder, earlier part first on ties", arguments: knownAnswers)
    func known(amount: Int64, weights: [Int64], expected: [Int64]) throws {
        #expect(try USDC(micro: amount).split(proportionalTo: weights) == expected.map { USDC(micro: $0) })
    }

    @Test("parts always add up to the amount and stay within one micro of the exact share", arguments: 0..<8)
    func conserves(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 1_000 + seed)
        for _ in 0..<250 {
            let amount = Int64.random(in: -10_000_000_000...10_000_000_000, using: &rng)
            let weights = (0..<Int.random(in: 1...12, using: &rng)).map { _ in
                Int64.random(in: 0...1_000_000_000, using: &rng)
            }
            guard weights.contains(where: { $0 > 0 }) else { continue }
            let parts = try USDC(micro: amount).split(proportionalTo: weights)
            #expect(parts.reduce(Int64(0)) { $0 + $1.micro } == amount)
            let total = Double(weights.reduce(0, +))
            for (part, w) in zip(parts, weights) {
                #expect(abs(Double(part.micro) - Double(amount) * Double(w) / total) < 1.0001)
            }
        }
    }

    @Test("extreme amounts do not trap")
    func extremes() throws {
        #expect(try USDC(micro: .max).split(proportionalTo: [1, 1]).reduce(Int64(0)) { $0 &+ $1.micro } == .max)
        #expect(
            try USDC(micro: .min).split(proportionalTo: [.max, .max]) == [USDC(micro: .min / 2), USDC(micro: .min / 2)])
    }

    @Test("weights must be non-empty, non-negative and not all zero", arguments: [[], [0, 0], [1, -1]] as [[Int64]])
    func badWeights(weights: [Int64]) {
        #expect(throws: ClusterPlanningError.invalidSplitWeights) { try USDC(micro: 10).split(proportionalTo: weights) }
    }
}

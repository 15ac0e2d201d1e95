import Ethereum

extension USDC {
    /// Splits this amount into parts proportional to `weights` (e.g. member throughputs),
    /// using largest-remainder rounding: each part is first rounded down, then the few
    /// micro-units left over go one each to the parts with the largest remainders (the
    /// earlier part on a tie). The parts always add up to exactly this amount, so paying
    /// providers or refunding a renter never loses or creates money. A negative amount is
    /// split by magnitude and every part negated.
    public func split(proportionalTo weights: [Int64]) throws(ClusterPlanningError) -> [USDC] {
        guard !weights.isEmpty, weights.allSatisfy({ $0 >= 0 }) else { throw .invalidSplitWeights }
        let total = weights.reduce(Int128(0)) { $0 + Int128($1) }
        guard total > 0 else { throw .invalidSplitWeights }
        let magnitude = Int128(micro.magnitude)
        var parts = [Int128](repeating: 0, count: weights.count)
        var remainders = [Int128](repeating: 0, count: weights.count)
        var assigned: Int128 = 0
        for (i, w) in weights.enumerated() {
            let product = magnitude * Int128(w)
            parts[i] = product / total
            remainders[i] = product % total
            assigned += parts[i]
        }
        // Fewer than weights.count micro-units are left, since each part lost < 1.
        let leftover = Int(magnitude - assigned)
        if leftover > 0 {
            let order = remainders.indices.sorted {
                remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1
            }
            for i in order.prefix(leftover) { parts[i] += 1 }
        }
        let sign: Int128 = micro < 0 ? -1 : 1
        // Each part is at most |micro|, and -|Int64.min| fits, so these never trap.
        return parts.map { USDC(micro: Int64(sign * $0)) }
    }
}

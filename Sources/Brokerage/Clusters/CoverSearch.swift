/// One offer inside the search, reduced to exact integers.
struct CoverItem: Sendable {
    /// Index into the planner's candidate array.
    var candidate: Int
    /// `perfScore × gpuCount`, milli-units per hour.
    var throughput: Int64
    /// Micro-USDC per hour (or GPUs, when the search minimises the GPU count).
    var price: Int64
    var gpus: Int64
    /// Per-GPU score, milli-units; bounds how many GPUs a throughput gap needs.
    var perfPerGPU: Int64
    var reliabilityPPM: Int64
    /// Rank of the candidate's id among all ids, for the last tie-break.
    var idRank: Int
}

/// A feasible member set with the figures that rank it (see `DPPPlanner` for the order).
struct CoverChoice: Sendable {
    var cost: Int64
    var hours: Int64
    var price: Int64
    var gpus: Int64
    var throughput: Int64
    var minReliabilityPPM: Int64
    /// Σ gpus × reliability (ppm): with equal GPU counts, the GPU-weighted mean reliability.
    var weightedReliability: Int64
    /// Ranks of the members' ids, ascending.
    var idRanks: [Int]
    /// Candidate indices of the members.
    var members: [Int]

    /// The plan order: lower cost, fewer GPUs, higher minimum reliability, higher
    /// GPU-weighted reliability, higher throughput, then the smaller sorted id list.
    func isBetter(than other: CoverChoice) -> Bool {
        if cost != other.cost { return cost < other.cost }
        if gpus != other.gpus { return gpus < other.gpus }
        if minReliabilityPPM != other.minReliabilityPPM { return minReliabilityPPM > other.minReliabilityPPM }
        if weightedReliability != other.weightedReliability { return weightedReliability > other.weightedReliability }
        if throughput != other.throughput { return throughput > other.throughput }
        return idRanks.lexicographicallyPrecedes(other.idRanks)
    }
}

/// Exact branch and bound for one covering problem: choose offers with
/// `Σ throughput ≥ requirement`, `Σ gpus ≤ gpuCap`, `Σ price ≤ priceCap`, best in the
/// `CoverChoice` order.
///
/// Offers are branched on in order of price per throughput, so the first dive is the greedy
/// plan and the fractional (LP relaxation) bound is a prefix sum plus one fraction, found
/// by binary search. When the GPU cap binds (the LP would use more GPUs than allowed), the
/// bound is the Lagrangian one instead: offers are ordered by `(price + λ·gpus) /
/// throughput` and the bound is `LP_λ − λ·(GPUs left under the cap)`, with `λ` chosen once
/// per search to maximise the root bound; any `λ ≥ 0` gives a valid bound, so this stays
/// exact. A node is also cut when the remaining gap needs more GPUs than the cap allows
/// (gap / best per-GPU score). Dominance: when offer `i` is left out, every later offer it
/// dominates (no cheaper, no faster, no fewer GPUs, and no better on the tie-breaks) is
/// left out too, since swapping it for `i` would give a strictly better plan; this is what
/// keeps markets full of near-identical offers fast. The best choice is kept across calls,
/// so solving many hour counts shares one incumbent.
struct CoverSearch: Sendable {
    /// The offers in one branching order, by `(price + λ·gpus) / throughput`, with the
    /// prefix sums its LP bound needs.
    private struct Arrangement: Sendable {
        let lambda: Int64
        let items: [CoverItem]
        let prefixThroughput: [Int64]
        /// Σ (price + λ·gpus).
        let prefixAdjusted: [Int64]
        let prefixGPUs: [Int64]
        let suffixBestPerf: [Int64]
        /// For each position, the later positions it dominates.
        let dominated: [[Int32]]

        /// `base` must be in plain order (λ = 0) with `baseDominated` indexing it; every
        /// dominating offer precedes the offers it dominates in every λ order (equal
        /// adjusted ratios fall back to the same tie keys), so the lists stay forward.
        init(base: [CoverItem], baseDominated: [[Int32]], lambda: Int64) {
            self.lambda = lambda
            let perm: [Int]
            if lambda == 0 {
                perm = Array(base.indices)
            } else {
                perm = base.indices.sorted { Self.precedes(base[$0], base[$1], lambda: lambda) }
            }
            var position = [Int32](repeating: 0, count: base.count)
            for (p, b) in perm.enumerated() { position[b] = Int32(p) }
            items = perm.map { base[$0] }
            var pt: [Int64] = [0]
            var pa: [Int64] = [0]
            var pg: [Int64] = [0]
            for item in items {
                pt.append(pt[pt.count - 1] + item.throughput)
                pa.append(pa[pa.count - 1] + item.price + lambda * item.gpus)
                pg.append(pg[pg.count - 1] + item.gpus)
            }
            prefixThroughput = pt
            prefixAdjusted = pa
            prefixGPUs = pg
            var suffix = [Int64](repeating: 0, count: items.count + 1)
            for i in stride(from: items.count - 1, through: 0, by: -1) {
                suffix[i] = max(suffix[i + 1], items[i].perfPerGPU)
            }
            suffixBestPerf = suffix
            var dom = [[Int32]](repeating: [], count: items.count)
            for (b, list) in baseDominated.enumerated() where !list.isEmpty {
                dom[Int(position[b])] = list.map { position[Int($0)] }
            }
            dominated = dom
        }

        /// Position of the offer that completes `need` from `k` on, or `nil` if the
        /// offers from `k` on fall short.
        func breakPosition(from k: Int, need: Int64) -> Int? {
            let base = prefixThroughput[k]
            if prefixThroughput[items.count] - base < need { return nil }
            var lo = k
            var hi = items.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if prefixThroughput[mid + 1] - base >= need { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }

        /// The LP relaxation over offers `k...` with adjusted prices: whole offers while
        /// they fit, then the fraction of the next one needed, rounded up.
        func lowerBound(from k: Int, need: Int64) -> Int64? {
            if need <= 0 { return 0 }
            guard let m = breakPosition(from: k, need: need) else { return nil }
            let rest = need - (prefixThroughput[m] - prefixThroughput[k])
            let item = items[m]
            let adjusted = Int128(item.price) + Int128(lambda) * Int128(item.gpus)
            let fraction = (adjusted * Int128(rest) + Int128(item.throughput) - 1) / Int128(item.throughput)
            return prefixAdjusted[m] - prefixAdjusted[k] + Int64(fraction)
        }

        /// Whether the LP solution for `need` from the start uses at most `cap` GPUs.
        func lpFits(need: Int64, cap: Int64) -> Bool {
            guard let m = breakPosition(from: 0, need: need) else { return true }
            let rest = need - prefixThroughput[m]
            let item = items[m]
            return (Int128(prefixGPUs[m]) - Int128(cap)) * Int128(item.throughput) + Int128(rest) * Int128(item.gpus)
                <= 0
        }

        /// Adjusted price per throughput ascending; on equal ratios the order that puts
        /// every offer before the offers it dominates (more throughput, fewer GPUs, more
        /// reliable, id).
        static func precedes(_ a: CoverItem, _ b: CoverItem, lambda: Int64) -> Bool {
            let pa = Int128(a.price) + Int128(lambda) * Int128(a.gpus)
            let pb = Int128(b.price) + Int128(lambda) * Int128(b.gpus)
            let lhs = pa * Int128(b.throughput)
            let rhs = pb * Int128(a.throughput)
            if lhs != rhs { return lhs < rhs }
            if a.throughput != b.throughput { return a.throughput > b.throughput }
            if a.gpus != b.gpus { return a.gpus < b.gpus }
            if a.reliabilityPPM != b.reliabilityPPM { return a.reliabilityPPM > b.reliabilityPPM }
            return a.idRank < b.idRank
        }
    }

    private let base: [CoverItem]
    private let baseDominated: [[Int32]]
    private let plain: Arrangement
    private var lagrangian: Arrangement?
    private var active: Arrangement
    private let totalPrice: Int64
    private let lambdaLimit: Int64
    private var excluded: [Int32]
    private var chosen: [Int] = []

    private var requirement: Int64 = 0
    private var hours: Int64 = 1
    private var intensity: Int64? = nil
    private var gpuCap: Int64 = .max
    private var priceCap: Int64 = .max
    private var valueOnly = false

    /// The best choice found so far; callers may seed it and read it back.
    var best: CoverChoice?

    init(items unsorted: [CoverItem]) {
        let sorted = unsorted.sorted { Arrangement.precedes($0, $1, lambda: 0) }
        var dom = [[Int32]](repeating: [], count: sorted.count)
        for i in sorted.indices {
            for j in (i + 1)..<sorted.count where Self.dominates(sorted[i], sorted[j]) {
                dom[i].append(Int32(j))
            }
        }
        base = sorted
        baseDominated = dom
        plain = Arrangement(base: sorted, baseDominated: dom, lambda: 0)
        active = plain
        excluded = [Int32](repeating: 0, count: sorted.count)
        totalPrice = sorted.reduce(0) { $0 + $1.price }
        // Keep Σ (price + λ·gpus) far from overflow; larger multipliers add nothing.
        let gpus = max(1, sorted.reduce(0) { $0 + $1.gpus })
        let steepest = sorted.map { $0.price / $0.gpus + 1 }.max() ?? 0
        lambdaLimit = min(steepest * 64, (Int64.max / 4 - totalPrice) / gpus)
    }

    /// Σ throughput of all offers: the most any choice can reach.
    var totalThroughput: Int64 { plain.prefixThroughput[base.count] }

    /// Lower bound on `Σ price` of any choice covering `requirement` (ignoring the caps);
    /// `nil` when even all offers fall short.
    func rootBound(requirement: Int64) -> Int64? { plain.lowerBound(from: 0, need: requirement) }

    /// Searches for choices covering `requirement` that beat `best`. With `intensity`, a
    /// choice costs `ceil(intensity / Σ throughput) × Σ price` and bounds are scaled by
    /// `hours` (the hour count this requirement stands for); without it a choice costs
    /// `Σ price`. With `valueOnly` only the best cost matters, so equal-cost choices are
    /// not searched for their tie-breaks (the diagnostics need just the number).
    mutating func solve(
        requirement: Int64, hours: Int64, intensity: Int64?, gpuCap: Int64, priceCap: Int64, valueOnly: Bool = false
    ) {
        self.valueOnly = valueOnly
        self.requirement = requirement
        self.hours = hours
        self.intensity = intensity
        self.gpuCap = gpuCap
        self.priceCap = priceCap
        if gpuCap == .max || plain.lpFits(need: requirement, cap: gpuCap) {
            active = plain
        } else {
            if lagrangian == nil {
                lagrangian = Arrangement(
                    base: base, baseDominated: baseDominated,
                    lambda: bestLambda(requirement: requirement, gpuCap: gpuCap))
            }
            active = lagrangian!
        }
        search(from: 0, throughput: 0, price: 0, gpus: 0)
    }

    /// The multiplier that maximises the root Lagrangian bound `LP_λ − λ·gpuCap`, a
    /// concave function of `λ`, by ternary search on integers.
    private func bestLambda(requirement: Int64, gpuCap: Int64) -> Int64 {
        func value(_ lambda: Int64) -> Int128 {
            let order = base.sorted { Arrangement.precedes($0, $1, lambda: lambda) }
            var need = Int128(requirement)
            var total: Int128 = 0
            for item in order {
                let adjusted = Int128(item.price) + Int128(lambda) * Int128(item.gpus)
                if Int128(item.throughput) >= need {
                    total += (adjusted * need + Int128(item.throughput) - 1) / Int128(item.throughput)
                    return total - Int128(lambda) * Int128(gpuCap)
                }
                total += adjusted
                need -= Int128(item.throughput)
            }
            return total - Int128(lambda) * Int128(gpuCap)
        }
        var lo: Int64 = 0
        var hi = max(0, lambdaLimit)
        while hi - lo > 2 {
            let m1 = lo + (hi - lo) / 3
            let m2 = hi - (hi - lo) / 3
            let v1 = value(m1)
            let v2 = value(m2)
            if v1 < v2 {
                lo = m1 + 1
            } else if v1 > v2 {
                hi = m2 - 1
            } else {
                lo = m1
                hi = m2
            }
            if lo >= hi { break }
        }
        return (lo...max(lo, hi)).max { value($0) < value($1) } ?? 0
    }

    private mutating func search(from start: Int, throughput: Int64, price: Int64, gpus: Int64) {
        var i = start
        while i < base.count && excluded[i] > 0 { i += 1 }
        if i == base.count { return }
        let need = requirement - throughput
        guard let adjusted = active.lowerBound(from: i, need: need) else { return }
        var remaining = adjusted
        if active.lambda > 0 {
            let lagrange = Int128(adjusted) - Int128(active.lambda) * (Int128(gpuCap) - Int128(gpus))
            remaining = Int64(clamping: max(0, min(lagrange, Int128(totalPrice) + 1)))
        }
        let priceBound = price + remaining
        if priceBound > priceCap || priceBound > totalPrice { return }
        let gpuBound = gpus + Self.ceilDiv(need, active.suffixBestPerf[i])
        if gpuBound > gpuCap { return }
        if let best {
            let costBound = hours * priceBound
            if costBound > best.cost || (costBound == best.cost && (valueOnly || gpuBound > best.gpus)) { return }
        }
        let item = active.items[i]
        if gpus + item.gpus <= gpuCap && price + item.price <= priceCap {
            chosen.append(i)
            if throughput + item.throughput >= requirement {
                consider(throughput: throughput + item.throughput, price: price + item.price, gpus: gpus + item.gpus)
            } else {
                search(
                    from: i + 1, throughput: throughput + item.throughput, price: price + item.price,
                    gpus: gpus + item.gpus)
            }
            chosen.removeLast()
        }
        for j in active.dominated[i] { excluded[Int(j)] += 1 }
        search(from: i + 1, throughput: throughput, price: price, gpus: gpus)
        for j in active.dominated[i] { excluded[Int(j)] -= 1 }
    }

    /// A covering leaf: rank it against `best`, computing the tie-break figures only
    /// when cost and GPU count tie.
    private mutating func consider(throughput: Int64, price: Int64, gpus: Int64) {
        let leafHours = intensity.map { Self.ceilDiv($0, throughput) } ?? 1
        let cost = leafHours * price
        if let best, cost > best.cost || (cost == best.cost && (valueOnly || gpus > best.gpus)) { return }
        var minRel = Int64.max
        var weighted: Int64 = 0
        for index in chosen {
            let item = active.items[index]
            minRel = min(minRel, item.reliabilityPPM)
            weighted += item.gpus * item.reliabilityPPM
        }
        let choice = CoverChoice(
            cost: cost, hours: leafHours, price: price, gpus: gpus, throughput: throughput,
            minReliabilityPPM: minRel, weightedReliability: weighted,
            idRanks: chosen.map { active.items[$0].idRank }.sorted(),
            members: chosen.map { active.items[$0].candidate })
        if let best, !choice.isBetter(than: best) { return }
        best = choice
    }

    /// `ceil(a / b)` for `a ≥ 0`, `b > 0`, without the overflow of `(a + b - 1) / b`.
    static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 { a / b + (a % b == 0 ? 0 : 1) }

    /// Whether replacing `b` by `a` in any choice holding `b` but not `a` always gives a
    /// strictly better choice: still covering, within both caps, and ahead in the order.
    private static func dominates(_ a: CoverItem, _ b: CoverItem) -> Bool {
        guard a.price <= b.price, a.throughput >= b.throughput, a.gpus <= b.gpus else { return false }
        if a.price < b.price || a.gpus < b.gpus { return true }
        guard a.reliabilityPPM >= b.reliabilityPPM else { return false }
        return a.reliabilityPPM > b.reliabilityPPM || a.throughput > b.throughput || a.idRank < b.idRank
    }
}

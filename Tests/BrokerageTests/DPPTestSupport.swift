import Brokerage
import Ethereum
import TestSupport

/// A candidate with whole-unit defaults, so tests state only what they are about.
func dppOffer(
    _ id: String, provider: String = "vast", gpus: Int = 1, vram: Int = 24, perf: Int64,
    price: Int64, reliability: Double = 0.95
) -> ClusterCandidate {
    ClusterCandidate(
        id: id, provider: provider, model: "test", gpuCount: gpus, vramGB: vram,
        perfScore: PerfScore(milli: perf * PerfScore.scale), pricePerHour: USDC(micro: price * USDC.scale),
        reliability: reliability)
}

/// A request with whole-unit intensity and defaults that never bind.
func dppRequest(
    intensity: Int64, deadline: Int, vram: Int = 0, maxGPUs: Int? = nil, budget: Int64? = nil,
    sameProvider: Bool = false, minReliability: Double = 0
) -> ClusterRequest {
    ClusterRequest(
        jobName: "job", computeIntensity: PerfScore(milli: intensity * PerfScore.scale), vramGB: vram,
        deadlineHours: deadline, maxGPUs: maxGPUs, maxHourlyBudget: budget.map { USDC(micro: $0 * USDC.scale) },
        sameProvider: sameProvider, minReliability: minReliability)
}

/// A small random instance whose values repeat often, so that ties, dominance and every
/// constraint are exercised.
func dppRandomInstance(_ rng: inout SeededGenerator) -> (ClusterRequest, [ClusterCandidate]) {
    let providers = ["akash", "ionet", "vast"]
    let perfs: [Int64] = [10_000, 12_500, 20_000, 25_000, 40_000, 33_333]
    let reliabilities = [0.8, 0.9, 0.95, 1.0, 0.999_999_7]
    let count = Int.random(in: 8...14, using: &rng)
    let candidates = (0..<count).map { i -> ClusterCandidate in
        let gpus = Int.random(in: 1...4, using: &rng)
        let unit: Int64 = Bool.random(using: &rng) ? 250_000 : 1
        let price = Int64.random(in: 1...12, using: &rng) * unit * (Bool.random(using: &rng) ? Int64(gpus) : 1)
        return ClusterCandidate(
            id: "o\(Int.random(in: 0...99, using: &rng))-\(i)", provider: providers.randomElement(using: &rng)!,
            model: "m", gpuCount: gpus, vramGB: [16, 24, 48, 80].randomElement(using: &rng)!,
            perfScore: PerfScore(milli: perfs.randomElement(using: &rng)!),
            pricePerHour: USDC(micro: Int64.random(in: 0..<20, using: &rng) == 0 ? 0 : price),
            reliability: reliabilities.randomElement(using: &rng)!)
    }
    let request = ClusterRequest(
        jobName: "random", computeIntensity: PerfScore(milli: Int64.random(in: 5_000...900_000, using: &rng)),
        vramGB: [0, 0, 24, 48].randomElement(using: &rng)!, deadlineHours: Int.random(in: 1...12, using: &rng),
        maxGPUs: Bool.random(using: &rng) ? Int.random(in: 1...12, using: &rng) : nil,
        maxHourlyBudget: Bool.random(using: &rng) ? USDC(micro: Int64.random(in: 0...40, using: &rng) * 250_000) : nil,
        sameProvider: Int.random(in: 0..<3, using: &rng) == 0,
        minReliability: [0, 0.9, 0.95].randomElement(using: &rng)!)
    return (request, candidates)
}

/// The model of the README, by enumerating every subset: slow, obviously right, and
/// written without any of the planner's code.
enum DPPBruteForce {
    struct Answer: Equatable {
        var cost: Int64
        var hours: Int64
        var hourlyPrice: Int64
        var ids: [String]
    }

    /// The reason code and numbers the planner must give when no plan exists.
    enum Reason: Equatable {
        case noOffers
        case noEligible
        case throughput(required: Int64, available: Int64)
        case gpus(minimum: Int)
        case budget(minimumHourlyPrice: Int64)
    }

    static func ppm(_ r: Double) -> Int64 { Int64((r * 1_000_000).rounded()) }

    static func eligible(_ request: ClusterRequest, _ candidates: [ClusterCandidate]) -> [ClusterCandidate] {
        candidates.filter { $0.vramGB >= request.vramGB && ppm($0.reliability) >= ppm(request.minReliability) }
    }

    private struct Sums {
        var throughput: [Int64]
        var price: [Int64]
        var gpus: [Int64]
        var sameProvider: [Bool]
    }

    /// Σ over every subset mask, each from the mask without its lowest bit.
    private static func sums(_ offers: [ClusterCandidate]) -> Sums {
        let size = 1 << offers.count
        var s = Sums(
            throughput: .init(repeating: 0, count: size), price: .init(repeating: 0, count: size),
            gpus: .init(repeating: 0, count: size), sameProvider: .init(repeating: true, count: size))
        for mask in 1..<size {
            let low = mask.trailingZeroBitCount
            let rest = mask & (mask - 1)
            let o = offers[low]
            s.throughput[mask] = s.throughput[rest] + o.perfScore.milli * Int64(o.gpuCount)
            s.price[mask] = s.price[rest] + o.pricePerHour.micro
            s.gpus[mask] = s.gpus[rest] + Int64(o.gpuCount)
            s.sameProvider[mask] =
                s.sameProvider[rest] && (rest == 0 || offers[rest.trailingZeroBitCount].provider == o.provider)
        }
        return s
    }

    private static func members(_ mask: Int, _ offers: [ClusterCandidate]) -> [ClusterCandidate] {
        offers.indices.filter { mask & (1 << $0) != 0 }.map { offers[$0] }
    }

    /// True when plan `a` ranks before plan `b` under equal cost and GPUs (README order).
    private static func tieBreakBefore(_ a: [ClusterCandidate], _ b: [ClusterCandidate]) -> Bool {
        let minA = a.map { ppm($0.reliability) }.min()!
        let minB = b.map { ppm($0.reliability) }.min()!
        if minA != minB { return minA > minB }
        let wA = a.reduce(Int64(0)) { $0 + Int64($1.gpuCount) * ppm($1.reliability) }
        let wB = b.reduce(Int64(0)) { $0 + Int64($1.gpuCount) * ppm($1.reliability) }
        if wA != wB { return wA > wB }
        let tA = a.reduce(Int64(0)) { $0 + $1.throughput.milli }
        let tB = b.reduce(Int64(0)) { $0 + $1.throughput.milli }
        if tA != tB { return tA > tB }
        return a.map(\.id).sorted().lexicographicallyPrecedes(b.map(\.id).sorted())
    }

    static func solve(_ request: ClusterRequest, _ candidates: [ClusterCandidate]) -> Answer? {
        let offers = eligible(request, candidates)
        let s = sums(offers)
        let intensity = request.computeIntensity.milli
        var bestMask: Int?
        var bestCost = Int64.max
        var bestGPUs = Int64.max
        for mask in 1..<(1 << offers.count) {
            if request.sameProvider && !s.sameProvider[mask] { continue }
            let hours = (intensity + s.throughput[mask] - 1) / s.throughput[mask]
            if hours > Int64(request.deadlineHours) { continue }
            if let cap = request.maxGPUs, s.gpus[mask] > Int64(cap) { continue }
            if let budget = request.maxHourlyBudget, s.price[mask] > budget.micro { continue }
            let cost = hours * s.price[mask]
            if cost > bestCost || (cost == bestCost && s.gpus[mask] > bestGPUs) { continue }
            if let b = bestMask, cost == bestCost, s.gpus[mask] == bestGPUs,
                !tieBreakBefore(members(mask, offers), members(b, offers))
            {
                continue
            }
            bestMask = mask
            bestCost = cost
            bestGPUs = s.gpus[mask]
        }
        guard let mask = bestMask else { return nil }
        return Answer(
            cost: bestCost, hours: (intensity + s.throughput[mask] - 1) / s.throughput[mask],
            hourlyPrice: s.price[mask], ids: members(mask, offers).map(\.id).sorted())
    }

    /// Why no plan exists, checked in the documented order.
    static func reason(_ request: ClusterRequest, _ candidates: [ClusterCandidate]) -> Reason {
        if candidates.isEmpty { return .noOffers }
        let offers = eligible(request, candidates)
        if offers.isEmpty { return .noEligible }
        let s = sums(offers)
        let intensity = request.computeIntensity.milli
        let required = (intensity + Int64(request.deadlineHours) - 1) / Int64(request.deadlineHours)
        let all = 1 << offers.count
        var available: Int64 = 0
        var fewestGPUs = Int64.max
        var cheapest = Int64.max
        for mask in 1..<all where !request.sameProvider || s.sameProvider[mask] {
            available = max(available, s.throughput[mask])
            guard s.throughput[mask] >= required else { continue }
            fewestGPUs = min(fewestGPUs, s.gpus[mask])
            if request.maxGPUs.map({ s.gpus[mask] <= Int64($0) }) ?? true {
                cheapest = min(cheapest, s.price[mask])
            }
        }
        if available < required { return .throughput(required: required, available: available) }
        if let cap = request.maxGPUs, fewestGPUs > Int64(cap) { return .gpus(minimum: Int(fewestGPUs)) }
        return .budget(minimumHourlyPrice: cheapest)
    }
}

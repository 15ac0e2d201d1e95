import Ethereum

/// Why no cluster can do the job, with the numbers a renter needs to change the request.
///
/// The planner reports the first cause in this order: nothing on offer, no offer passes
/// the VRAM/reliability filters, too little throughput even using every eligible GPU, the
/// GPU cap below the fewest GPUs that could finish in time, the budget below the cheapest
/// hourly price that could finish in time. Each later check assumes the earlier ones pass,
/// so the numbers always describe the request as sent.
public enum ClusterInfeasibility: Sendable, Hashable, CustomStringConvertible {
    /// The planner was given no offers at all.
    case noCandidates
    /// Every offer fails a filter; the counts say which filter to relax (an offer may fail
    /// both, so they may add up to more than `candidates`).
    case noEligibleCandidates(
        requiredVRAMGB: Int, minReliability: Double, candidates: Int, tooLittleVRAM: Int,
        tooUnreliable: Int)
    /// Even every eligible GPU together (on the best single provider, when `provider` is
    /// set for a same-provider request) cannot finish by the deadline: `required` is the
    /// throughput per hour needed, `available` the most there is, and `fastestHours` the
    /// soonest the job could finish with it.
    case insufficientThroughput(
        required: PerfScore, available: PerfScore, fastestHours: Int, deadlineHours: Int,
        eligibleCandidates: Int, provider: String?)
    /// Finishing by the deadline needs at least `minimumGPUs` GPUs, more than `maxGPUs`.
    case tooFewGPUsAllowed(maxGPUs: Int, minimumGPUs: Int)
    /// Finishing by the deadline within the GPU cap costs at least `minimumHourlyPrice`
    /// per hour, more than `maxHourlyBudget`.
    case budgetTooLow(maxHourlyBudget: USDC, minimumHourlyPrice: USDC)

    /// Stable machine-readable code for API clients.
    public var code: String {
        switch self {
        case .noCandidates: "no_offers"
        case .noEligibleCandidates: "no_eligible_offers"
        case .insufficientThroughput: "insufficient_throughput"
        case .tooFewGPUsAllowed: "max_gpus_too_low"
        case .budgetTooLow: "budget_too_low"
        }
    }

    /// A message safe to show the renter.
    public var description: String {
        switch self {
        case .noCandidates:
            return "no GPU offers are available"
        case .noEligibleCandidates(let vram, let minRel, let count, let lowVRAM, let lowRel):
            return "none of \(count) offers qualifies: \(lowVRAM) have less than \(vram) GB VRAM per GPU, "
                + "\(lowRel) have reliability below \(minRel)"
        case .insufficientThroughput(let required, let available, let fastest, let deadline, let eligible, let provider):
            let scope =
                provider.map { "the fastest single provider (\($0)) gives" } ?? "all \(eligible) eligible offers give"
            return "finishing within \(deadline) hours needs throughput \(required) per hour, but \(scope) "
                + "\(available), which needs \(fastest) hours"
        case .tooFewGPUsAllowed(let maxGPUs, let minimum):
            return "finishing by the deadline needs at least \(minimum) GPUs, but max_gpus is \(maxGPUs)"
        case .budgetTooLow(let budget, let minimum):
            return "finishing by the deadline costs at least \(minimum) USDC per hour, "
                + "but max_hourly_budget is \(budget)"
        }
    }
}

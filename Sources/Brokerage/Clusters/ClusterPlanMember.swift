/// One offer in a plan, with the share of the work it does.
public struct ClusterPlanMember: Sendable, Hashable {
    /// The offer, unchanged.
    public let candidate: ClusterCandidate
    /// `perfScore × gpuCount`: the member's work per hour, and its exact payout weight.
    public let throughput: PerfScore
    /// `throughput / plan.totalThroughput`, for display only: money is split with
    /// `ClusterPlan.split(_:)`, which uses the exact integer throughputs.
    public let contribution: Double

    public init(candidate: ClusterCandidate, throughput: PerfScore, contribution: Double) {
        self.candidate = candidate
        self.throughput = throughput
        self.contribution = contribution
    }
}

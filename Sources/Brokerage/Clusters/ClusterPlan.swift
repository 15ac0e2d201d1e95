import Ethereum

/// The cheapest cluster that finishes a job by its deadline (see `DPPPlanner`).
public struct ClusterPlan: Sendable, Hashable {
    public let jobName: String
    /// Members ordered by contribution, largest first (then by id).
    public let members: [ClusterPlanMember]
    /// `ceil(computeIntensity / totalThroughput)`: whole hours the cluster is booked.
    public let estimatedHours: Int
    /// Sum of the members' hourly prices.
    public let hourlyPrice: USDC
    /// `estimatedHours × hourlyPrice`: what the renter pays.
    public let totalCost: USDC
    /// Sum of the members' throughputs (work per hour).
    public let totalThroughput: PerfScore

    public init(
        jobName: String, members: [ClusterPlanMember], estimatedHours: Int, hourlyPrice: USDC,
        totalCost: USDC, totalThroughput: PerfScore
    ) {
        self.jobName = jobName
        self.members = members
        self.estimatedHours = estimatedHours
        self.hourlyPrice = hourlyPrice
        self.totalCost = totalCost
        self.totalThroughput = totalThroughput
    }

    /// Total GPUs across members.
    public var gpuCount: Int { members.reduce(0) { $0 + $1.candidate.gpuCount } }

    /// Lowest member reliability: the first reliability tie-break between equal plans.
    public var minReliability: Double { members.map(\.candidate.reliability).min() ?? 0 }

    /// Splits a payout (or a refund) among the members in proportion to their throughput,
    /// with largest-remainder rounding, so the parts, in `members` order, add up to
    /// `amount` exactly: no micro-unit is lost or created.
    public func split(_ amount: USDC) throws(ClusterPlanningError) -> [USDC] {
        try amount.split(proportionalTo: members.map(\.throughput.milli))
    }
}

import Ethereum

/// How a cluster's hold is divided when it ends: the one place the payout and refund
/// rules live, so the store only posts what this returns.
///
/// - **Completed:** every booked hour is charged (the plan was a fixed quote for
///   `hours`, and the members' hours stayed reserved for it).
/// - **Failed before start** (`held`): nothing is charged; the renter gets it all back.
/// - **Failed while running:** every *started* hour since `startedAt` is charged
///   (`ceil(elapsed / 3600)`, at most `hours`), the rest is refunded. GPU time is sold by
///   the hour, so a member is paid for an hour it began serving.
///
/// The charged amount is `charged hours × hourly price` (exact: `total = hours × hourly`).
/// The platform fee (rounded down) comes off the charged amount once; the remainder is
/// split among members by throughput with largest-remainder rounding, so fee + payouts +
/// refund equal the hold to the micro-USDC.
public struct ClusterSettlement: Sendable, Hashable {
    public let chargedHours: Int
    public let charged: USDC
    public let refund: USDC
    public let fee: USDC
    /// In `members` order; sums to `charged − fee`.
    public let payouts: [USDC]

    /// Settles `cluster` ending in `outcome` at `now`.
    public init(cluster: Cluster, outcome: Cluster.Status, now: Int64, fee platformFee: PlatformFee)
        throws(ClusterPlanningError)
    {
        let hours: Int
        switch outcome {
        case .completed:
            hours = cluster.hours
        case .failed:
            if let started = cluster.startedAt, cluster.status == .running {
                let elapsed = max(0, now - started)
                hours = Int(min(Int64(cluster.hours), (elapsed + 3599) / 3600))
            } else {
                hours = 0
            }
        case .held, .running:
            hours = 0
        }
        chargedHours = hours
        let charged =
            hours == cluster.hours
            ? cluster.totalCost : USDC(micro: cluster.hourlyPrice.micro * Int64(hours))
        self.charged = charged
        refund = USDC(micro: cluster.totalCost.micro - charged.micro)
        let (fee, rest) = platformFee.split(charged)
        self.fee = fee
        if rest > .zero {
            payouts = try rest.split(proportionalTo: cluster.members.map(\.throughput.milli))
        } else {
            payouts = cluster.members.map { _ in .zero }
        }
    }
}

import Ethereum

/// A planned multi-GPU job the renter has paid into: its members' hours are reserved and
/// its cost is held until it completes (paid out) or fails (refunded by
/// ``ClusterSettlement``).
public struct Cluster: Sendable, Hashable, Identifiable {
    /// `held → running → completed | failed`, and `held → failed`; nothing leaves a final state.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Created: cost held, member hours reserved from `start`.
        case held
        /// The renter started the job; the settlement clock runs from `startedAt`.
        case running
        case completed
        case failed

        /// Whether `self → next` is a legal move.
        public func canMove(to next: Status) -> Bool {
            switch (self, next) {
            case (.held, .running), (.running, .completed), (.held, .failed), (.running, .failed): true
            default: false
            }
        }
    }

    /// One member offer as it was planned, with what settlement needs.
    public struct Member: Sendable, Hashable {
        public var gpuID: String
        public var provider: String
        public var model: String
        public var gpuCount: Int
        /// Per GPU.
        public var perfScore: PerfScore
        /// `perfScore × gpuCount`: the member's exact payout weight.
        public var throughput: PerfScore
        public var pricePerHour: USDC
        /// Earnings account its share is paid to.
        public var payee: LedgerAccount
        /// The member's booking of the cluster's hours (a reservation row).
        public var reservationID: String

        public init(
            gpuID: String, provider: String, model: String, gpuCount: Int, perfScore: PerfScore, throughput: PerfScore,
            pricePerHour: USDC, payee: LedgerAccount, reservationID: String
        ) {
            self.gpuID = gpuID
            self.provider = provider
            self.model = model
            self.gpuCount = gpuCount
            self.perfScore = perfScore
            self.throughput = throughput
            self.pricePerHour = pricePerHour
            self.payee = payee
            self.reservationID = reservationID
        }
    }

    public var id: String
    public var userID: String
    public var jobName: String
    public var status: Status
    public var members: [Member]
    /// Whole hours booked (`ClusterPlan.estimatedHours`).
    public var hours: Int
    public var hourlyPrice: USDC
    /// `hours × hourlyPrice`: held at creation.
    public var totalCost: USDC
    /// Reserved window `[start, end)`, on whole hours.
    public var start: Int64
    public var end: Int64
    public var startedAt: Int64?
    public var finishedAt: Int64?
    /// Paid out of the hold (fee plus members); zero until settled.
    public var charged: USDC
    /// Given back to the renter; zero unless failed.
    public var refunded: USDC
    public var createdAt: Int64

    public init(
        id: String, userID: String, jobName: String, status: Status, members: [Member], hours: Int, hourlyPrice: USDC,
        totalCost: USDC, start: Int64, end: Int64, startedAt: Int64? = nil, finishedAt: Int64? = nil,
        charged: USDC = .zero, refunded: USDC = .zero, createdAt: Int64
    ) {
        self.id = id
        self.userID = userID
        self.jobName = jobName
        self.status = status
        self.members = members
        self.hours = hours
        self.hourlyPrice = hourlyPrice
        self.totalCost = totalCost
        self.start = start
        self.end = end
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.charged = charged
        self.refunded = refunded
        self.createdAt = createdAt
    }

    /// Sum of member throughputs.
    public var totalThroughput: PerfScore { PerfScore(milli: members.reduce(0) { $0 + $1.throughput.milli }) }

    /// `throughput / Σ throughput`, for display; money uses the exact integer weights.
    public func contribution(of member: Member) -> Double {
        let total = totalThroughput.milli
        return total > 0 ? Double(member.throughput.milli) / Double(total) : 0
    }

    /// Clusters start at the next whole hour (now, if `now` is on the hour), like bookings.
    public static func startHour(after now: Int64) -> Int64 {
        now % 3600 == 0 ? now : now - now % 3600 + 3600
    }
}

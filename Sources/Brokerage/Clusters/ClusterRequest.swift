import Ethereum

/// What a renter asks of a cluster (`POST /clusters/estimate` and `POST /clusters`).
public struct ClusterRequest: Sendable, Hashable {
    /// Largest deadline accepted: one year of hours. It bounds the planner's work and keeps
    /// `hours × price` far from overflow.
    public static let maxDeadlineHours = 8_760

    public var jobName: String
    /// Total work in perf-score × hours: a job of 5000 needs 50 hours of a cluster whose
    /// throughput is 100, or 25 hours at 200.
    public var computeIntensity: PerfScore
    /// Memory each GPU needs, in GB.
    public var vramGB: Int
    /// Whole hours within which the work must finish, `1...maxDeadlineHours`.
    public var deadlineHours: Int
    /// Cap on the cluster's total GPU count; `nil` for no cap.
    public var maxGPUs: Int?
    /// Cap on the cluster's summed hourly price; `nil` for no cap.
    public var maxHourlyBudget: USDC?
    /// Keep every member on a single provider (one network, one bill).
    public var sameProvider: Bool
    /// Members need reliability at least this, in `0...1` (compared at 6 decimals).
    public var minReliability: Double

    public init(
        jobName: String, computeIntensity: PerfScore, vramGB: Int, deadlineHours: Int,
        maxGPUs: Int? = nil, maxHourlyBudget: USDC? = nil, sameProvider: Bool = false,
        minReliability: Double = 0
    ) {
        self.jobName = jobName
        self.computeIntensity = computeIntensity
        self.vramGB = vramGB
        self.deadlineHours = deadlineHours
        self.maxGPUs = maxGPUs
        self.maxHourlyBudget = maxHourlyBudget
        self.sameProvider = sameProvider
        self.minReliability = minReliability
    }
}

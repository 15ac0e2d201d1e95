import Brokerage
import Ethereum
import Timekeeping

/// The contract's plan: `{members, total_cost, estimated_hours, feasible, reason?}`, plus
/// the hourly price, GPU count and the window the hours would be booked for.
struct ClusterPlanView: Codable {
    struct Member: Codable {
        let gpu_id: String
        let provider: String
        let model: String
        let gpu_count: Int
        /// Per GPU, on GP4U's scale (RTX 4090 = 100).
        let perf_score: Double
        let price_per_hour: USDC
        /// Share of the cluster's throughput, and so of its payout.
        let contribution: Double
    }

    let job_name: String
    let members: [Member]
    let total_cost: USDC
    let hourly_price: USDC
    let estimated_hours: Int
    let gpu_count: Int
    let total_throughput: Double
    let start_time: String
    let end_time: String
    var feasible = true
    var reason: String? = nil

    init(_ plan: ClusterPlan, start: Int64) {
        job_name = plan.jobName
        members = plan.members.map {
            Member(
                gpu_id: $0.candidate.id, provider: $0.candidate.provider, model: $0.candidate.model,
                gpu_count: $0.candidate.gpuCount,
                perf_score: $0.candidate.perfScore.value, price_per_hour: $0.candidate.pricePerHour,
                contribution: $0.contribution)
        }
        total_cost = plan.totalCost
        hourly_price = plan.hourlyPrice
        estimated_hours = plan.estimatedHours
        gpu_count = plan.gpuCount
        total_throughput = plan.totalThroughput.value
        start_time = RFC3339.format(start)
        end_time = RFC3339.format(start + Int64(plan.estimatedHours) * 3600)
    }

    init(_ c: Cluster) {
        job_name = c.jobName
        members = c.members.map {
            Member(
                gpu_id: $0.gpuID, provider: $0.provider, model: $0.model, gpu_count: $0.gpuCount,
                perf_score: $0.perfScore.value,
                price_per_hour: $0.pricePerHour, contribution: c.contribution(of: $0))
        }
        total_cost = c.totalCost
        hourly_price = c.hourlyPrice
        estimated_hours = c.hours
        gpu_count = c.members.reduce(0) { $0 + $1.gpuCount }
        total_throughput = c.totalThroughput.value
        start_time = RFC3339.format(c.start)
        end_time = RFC3339.format(c.end)
    }
}

/// A stored cluster: its plan, state and settlement so far.
struct ClusterView: Codable {
    static let settlementRule =
        "completed: the full cost is charged; failed before start: full refund; failed while running: every started hour "
        + "since start is charged, the rest refunded. Charged money pays the platform fee, then members by contribution."

    let id: String
    let job_name: String
    let status: String
    let plan: ClusterPlanView
    let total_cost: USDC
    let estimated_hours: Int
    let start_time: String
    let end_time: String
    let started_at: String?
    let finished_at: String?
    let charged: USDC
    let refunded: USDC
    var settlement_rule = Self.settlementRule
    let created_at: String
    /// Each member's machine, on the single-cluster read.
    var machines: [MemberMachine]? = nil

    struct MemberMachine: Codable {
        let gpu_id: String
        let reservation_id: String
        let machine: Nullable<MachineView>
    }

    init(_ c: Cluster) {
        id = c.id
        job_name = c.jobName
        status = c.status.rawValue
        plan = ClusterPlanView(c)
        total_cost = c.totalCost
        estimated_hours = c.hours
        start_time = RFC3339.format(c.start)
        end_time = RFC3339.format(c.end)
        started_at = c.startedAt.map(RFC3339.format)
        finished_at = c.finishedAt.map(RFC3339.format)
        charged = c.charged
        refunded = c.refunded
        created_at = RFC3339.format(c.createdAt)
    }
}

import Ethereum

/// Clusters and their money; each operation is one database transaction, so a refused
/// call leaves no trace.
public protocol ClusterStore: Sendable {
    /// Stores `plan` as a new `held` cluster: re-checks each member offer is still available
    /// at the planned price, books its `[start, start + hours)` (the same no-overlap guard as
    /// reservations) and moves `plan.totalCost` from the user's available to held. Throws
    /// `ClusterError.offerChanged`/`.slotTaken`, or `LedgerError.insufficientFunds`.
    func createCluster(id: String, userID: String, plan: ClusterPlan, start: Int64, now: Int64) async throws -> Cluster
    func cluster(id: String) async throws -> Cluster?
    /// The user's clusters, newest first; `after` is the last id of the previous page.
    func clusters(userID: String, after: String?, limit: Int) async throws -> [Cluster]
    /// `held → running`.
    func startCluster(id: String, now: Int64) async throws -> Cluster
    /// `running → completed` or `held|running → failed`, settling the hold by
    /// ``ClusterSettlement`` and releasing the members' remaining hours.
    func finishCluster(id: String, outcome: Cluster.Status, now: Int64, fee: PlatformFee) async throws -> Cluster
    /// Offers with a live booking overlapping `[from, to)`: a planner must not pick them.
    func bookedGPUs(from: Int64, to: Int64) async throws -> Set<String>
}

/// Why a cluster operation was refused. Nothing was written when one is thrown.
public enum ClusterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No plan meets the request; carries the planner's reason (HTTP 422 with its code).
    case infeasible(ClusterInfeasibility)
    case notFound
    /// `from → to` is not a legal move (see ``Cluster/Status/canMove(to:)``).
    case invalidTransition(from: Cluster.Status, to: Cluster.Status)
    /// A planned offer vanished, became unavailable or changed price since it was indexed.
    case offerChanged(gpuID: String)
    /// A planned offer is booked for some of the cluster's hours.
    case slotTaken(gpuID: String)

    public var description: String {
        switch self {
        case .infeasible(let why): why.description
        case .notFound: "cluster not found"
        case .invalidTransition(let from, let to):
            "a \(from.rawValue) cluster cannot become \(to.rawValue)"
        case .offerChanged(let id):
            "offer \(id) changed or became unavailable since it was planned; estimate again and retry"
        case .slotTaken(let id):
            "offer \(id) was booked for some of the cluster's hours meanwhile; estimate again and retry"
        }
    }
}

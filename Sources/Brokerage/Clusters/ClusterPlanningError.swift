/// A planning call that could not be answered because its input is malformed; distinct
/// from `ClusterInfeasibility`, which is a valid answer ("no plan exists").
public enum ClusterPlanningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A request field is out of range; `field` is its snake_case API name.
    case invalidRequest(field: String, reason: String)
    /// A candidate cannot be planned with; this is a mapping bug upstream, not user input.
    case invalidCandidate(id: String, reason: String)
    /// Weights for a contribution split are empty, negative or all zero.
    case invalidSplitWeights
    /// Sums of prices or throughputs over the candidates would overflow 64 bits.
    case tooLarge

    public var description: String {
        switch self {
        case .invalidRequest(let field, let reason): "\(field) \(reason)"
        case .invalidCandidate(let id, let reason): "offer \(id) \(reason)"
        case .invalidSplitWeights: "contribution weights must be non-negative and not all zero"
        case .tooLarge: "prices or performance figures are too large to plan with"
        }
    }
}

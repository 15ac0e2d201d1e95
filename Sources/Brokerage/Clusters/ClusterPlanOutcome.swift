/// The planner's answer: a plan, or the reason no plan exists. Never a partial plan.
public enum ClusterPlanOutcome: Sendable, Hashable {
    case feasible(ClusterPlan)
    case infeasible(ClusterInfeasibility)

    /// The plan, if there is one.
    public var plan: ClusterPlan? {
        if case .feasible(let plan) = self { return plan }
        return nil
    }

    /// Why there is no plan, if there is none.
    public var infeasibility: ClusterInfeasibility? {
        if case .infeasible(let reason) = self { return reason }
        return nil
    }
}

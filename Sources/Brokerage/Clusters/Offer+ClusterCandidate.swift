/// Marketplace offers as DPP candidates.
extension Offer {
    /// The offer as the planner sees it; nil when it cannot be clustered (unavailable, or a
    /// performance figure that is missing or does not fit the planner's fixed point).
    public var clusterCandidate: ClusterCandidate? {
        guard available, gpuCount > 0, let perGPU = perfScorePerGPU.flatMap(PerfScore.init(rounding:)),
            perGPU.milli > 0
        else {
            return nil
        }
        return ClusterCandidate(
            id: id, provider: provider.rawValue, model: model.name, gpuCount: gpuCount, vramGB: vramGB,
            perfScore: perGPU,
            pricePerHour: pricePerHour, reliability: reliability)
    }
}

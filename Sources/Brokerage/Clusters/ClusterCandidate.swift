import Ethereum

/// One offer as the DPP planner sees it: the lead maps a marketplace offer to this value,
/// so the planner stays independent of how offers are stored or fetched.
///
/// An offer is taken whole or not at all: `gpuCount` GPUs for `pricePerHour` (the price of
/// the whole offer, not per GPU).
public struct ClusterCandidate: Sendable, Hashable {
    /// Unique among the candidates of one planning call; the last tie-break of equal plans.
    public var id: String
    /// Provider name; `sameProvider` requests keep every member on one provider.
    public var provider: String
    /// GPU model, carried through to the plan for display (e.g. "H100 SXM").
    public var model: String
    /// GPUs in the offer; at least 1.
    public var gpuCount: Int
    /// Memory of each GPU, in GB; must reach the request's `vramGB`.
    public var vramGB: Int
    /// Performance of one GPU; the offer's throughput is `perfScore × gpuCount` per hour.
    public var perfScore: PerfScore
    /// Price of the whole offer per hour.
    public var pricePerHour: USDC
    /// Observed reliability in `0...1`; compared at 6 decimals (parts per million).
    public var reliability: Double

    public init(
        id: String, provider: String, model: String, gpuCount: Int, vramGB: Int,
        perfScore: PerfScore, pricePerHour: USDC, reliability: Double
    ) {
        self.id = id
        self.provider = provider
        self.model = model
        self.gpuCount = gpuCount
        self.vramGB = vramGB
        self.perfScore = perfScore
        self.pricePerHour = pricePerHour
        self.reliability = reliability
    }

    /// Work done per hour by all GPUs of the offer: `perfScore × gpuCount`.
    public var throughput: PerfScore { PerfScore(milli: perfScore.milli * Int64(gpuCount)) }
}

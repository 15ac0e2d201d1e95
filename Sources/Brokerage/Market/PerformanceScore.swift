/// GP4U's performance score: one scale across providers (one RTX 4090 = 100).
///
/// What `perf_score` means, once: the throughput of the **whole offer** (all its GPUs) on
/// this scale; `perf_score_per_gpu` is that divided by the GPU count, and the cluster
/// planner adds up per-GPU figures × GPUs, which is the same number.
///
/// The baseline is the catalogue's per-GPU `throughput` × GPU count. Where a provider
/// measures the machine (Vast.ai's `dlperf`, which is on nearly the same scale), the
/// measured figure replaces the baseline, clamped to 25...125 % of it so a mis-reported
/// benchmark cannot make a card look like another model. A GPU outside the catalogue has
/// no baseline: its score is the provider's measurement as given, or none (nil), and an
/// offer with none is left out of clusters and of `price_per_perf` orderings.
public enum PerformanceScore {
    /// The catalogue baseline of `gpuCount` GPUs of `model`; nil for a model outside it.
    public static func baseline(model: GPUModel, gpuCount: Int) -> Double? {
        model.throughput.map { $0 * Double(max(1, gpuCount)) }
    }

    /// Baseline adjusted by a provider measurement of the whole offer, if any.
    public static func score(model: GPUModel, gpuCount: Int, measured: Double?) -> Double? {
        let valid = measured.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        guard let base = baseline(model: model, gpuCount: gpuCount) else { return valid }
        guard let valid else { return base }
        return min(base * 1.25, max(base * 0.25, valid))
    }
}

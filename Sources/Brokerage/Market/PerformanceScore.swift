/// GP4U's performance score: one scale across providers (one RTX 4090 = 100).
///
/// The baseline is the catalogue's per-GPU `throughput` × GPU count. Where a provider
/// measures the machine (Vast.ai's `dlperf`, which is on nearly the same scale), the
/// measured figure replaces the baseline, clamped to 25...125 % of it so a mis-reported
/// benchmark cannot make a card look like another model.
public enum PerformanceScore {
    public static func baseline(model: GPUModel, gpuCount: Int) -> Double {
        model.throughput * Double(max(1, gpuCount))
    }

    /// Baseline adjusted by a provider measurement of the whole offer, if any.
    public static func score(model: GPUModel, gpuCount: Int, measured: Double?) -> Double {
        let base = baseline(model: model, gpuCount: gpuCount)
        guard let measured, measured.isFinite, measured > 0 else { return base }
        return min(base * 1.25, max(base * 0.25, measured))
    }
}

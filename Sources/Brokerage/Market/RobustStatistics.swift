/// Median and MAD-based outlier rules used by arbitrage and price history.
///
/// Outlier rule (documented for the API): a value x is an outlier of a sample when
/// `|x − median| > k × 1.4826 × MAD`, with `MAD = median(|xᵢ − median|)` and k = 3 (the
/// usual "3 robust standard deviations"). When MAD is 0 (most values identical) nothing
/// is excluded, and samples of fewer than 3 values are not filtered by this rule.
public enum RobustStatistics {
    /// Median of values already sorted ascending (mean of the middle two for even counts).
    public static func median(sorted values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let mid = values.count / 2
        if values.count % 2 == 1 { return values[mid] }
        return (values[mid - 1] + values[mid]) / 2
    }

    public static func median(_ values: [Int64]) -> Int64? { median(sorted: values.sorted()) }

    /// The inclusive band `[median − k·σ̂, median + k·σ̂]` with σ̂ = 1.4826 × MAD, or nil
    /// when the sample is too small or too uniform to judge.
    public static func inlierBand(sorted values: [Int64], k: Double = 3) -> ClosedRange<Int64>? {
        guard values.count >= 3, let m = median(sorted: values) else { return nil }
        let deviations = values.map { abs($0 - m) }.sorted()
        guard let mad = median(sorted: deviations), mad > 0 else { return nil }
        let width = Int64((k * 1.4826 * Double(mad)).rounded(.up))
        return (m - width)...(m + width)
    }

    /// Values with outliers removed (see the type's rule); the input must be sorted.
    public static func withoutOutliers(sorted values: [Int64], k: Double = 3) -> [Int64] {
        guard let band = inlierBand(sorted: values, k: k) else { return values }
        return values.filter { band.contains($0) }
    }
}

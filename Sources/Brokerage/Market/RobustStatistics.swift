import Timekeeping

/// Median and MAD-based outlier rules used by arbitrage and price history.
///
/// Outlier rule (documented for the API): a value x is an outlier of a sample when
/// `|x − median| > k × 1.4826 × MAD`, with `MAD = median(|xᵢ − median|)` and k = 3 (the
/// usual "3 robust standard deviations"). When MAD is 0 (most values identical) nothing
/// is excluded, and samples of fewer than 3 values are not filtered by this rule.
public enum RobustStatistics {
    /// Median of values already sorted ascending (mean of the middle two for even counts).
    public static func median<C: RandomAccessCollection>(sorted values: C) -> Int64?
    where C.Element == Int64, C.Index == Int {
        guard !values.isEmpty else { return nil }
        let mid = values.startIndex + values.count / 2
        if values.count % 2 == 1 { return values[mid] }
        return (values[mid - 1] + values[mid]) / 2
    }

    public static func median(_ values: [Int64]) -> Int64? { median(sorted: values.sorted()) }

    /// The inclusive band `[median − k·σ̂, median + k·σ̂]` with σ̂ = 1.4826 × MAD, or nil
    /// when the sample is too small or too uniform to judge. The input must be sorted;
    /// runs in linear time (the deviations of a sorted sample are two sorted runs, merged
    /// only up to their median).
    public static func inlierBand<C: RandomAccessCollection>(sorted values: C, k: Double = 3) -> ClosedRange<Int64>?
    where C.Element == Int64, C.Index == Int {
        let n = values.count
        guard n >= 3 else { return nil }
        let base = values.startIndex
        let m: Int64 = n % 2 == 1 ? values[base + n / 2] : (values[base + n / 2 - 1] + values[base + n / 2]) / 2
        // Left run: m - values[i] for i descending from the split; right run: values[j] - m ascending.
        let split = lowerBound(values, m) - base
        var left = split - 1
        var right = split
        var taken = 0
        var previous: Int64 = 0
        var current: Int64 = 0
        let target = n / 2  // 0-based index of the upper median
        while taken <= target {
            let l = left >= 0 ? m - values[base + left] : Int64.max
            let r = right < n ? values[base + right] - m : Int64.max
            previous = current
            if l <= r {
                current = l
                left -= 1
            } else {
                current = r
                right += 1
            }
            taken += 1
        }
        let mad = n % 2 == 1 ? current : (previous + current) / 2
        guard mad > 0 else { return nil }
        let width = Int64((k * 1.4826 * Double(mad)).rounded(.up))
        return (m - width)...(m + width)
    }

    /// Values with outliers removed (see the type's rule); the input must be sorted.
    public static func withoutOutliers(sorted values: [Int64], k: Double = 3) -> [Int64] {
        guard let band = inlierBand(sorted: values, k: k) else { return values }
        return values.filter { band.contains($0) }
    }

    /// First index of sorted `values` whose value is >= `value`.
    static func lowerBound<C: RandomAccessCollection>(_ values: C, _ value: Int64) -> Int
    where C.Element == Int64, C.Index == Int {
        partition(values) { $0 < value }
    }

    /// First index of sorted `values` whose value is > `value`.
    static func upperBound<C: RandomAccessCollection>(_ values: C, _ value: Int64) -> Int
    where C.Element == Int64, C.Index == Int {
        partition(values) { $0 <= value }
    }

    /// First index where `before` stops holding (it holds for a prefix of `values`).
    private static func partition<C: RandomAccessCollection>(_ values: C, _ before: (Int64) -> Bool) -> Int
    where C.Element == Int64, C.Index == Int {
        var lo = values.startIndex
        var hi = values.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if before(values[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

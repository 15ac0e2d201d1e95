/// A performance score as an exact fixed-point number with 3 decimals (milli-units).
///
/// The planner decides "does this cluster finish in H hours?" by comparing
/// `H × Σ throughput` with the job's compute intensity; doing that in floating point
/// would make plans flip at exact boundaries (an off-by-one hour, and so a different
/// cost). Scores are therefore integers of 1/1000 of a point: a per-GPU score such as
/// `82.6`, a cluster throughput (score × GPUs, per hour), and a compute intensity
/// (score × hours of work) all use this one unit, so every comparison is exact.
public struct PerfScore: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Thousandths of a point: `PerfScore(milli: 82_600)` is 82.6.
    public let milli: Int64

    /// Number of decimals kept; finer input is rounded to the nearest thousandth.
    public static let decimals = 3
    /// Milli-units per point.
    public static let scale: Int64 = 1_000
    public static let zero = PerfScore(milli: 0)

    public init(milli: Int64) { self.milli = milli }

    /// Rounds a floating-point score (as providers publish them) to the nearest
    /// thousandth; `nil` for NaN, infinity or a value too large to hold.
    public init?(rounding value: Double) {
        guard value.isFinite else { return nil }
        let scaled = (value * Double(Self.scale)).rounded()
        guard let exact = Int64(exactly: scaled) else { return nil }
        self.milli = exact
    }

    /// Parses a plain decimal such as `"82.6"` or `"133"`; at most 3 decimals, no sign or
    /// exponent, so that a score read from JSON text is never silently rounded.
    public init?(parsing text: some StringProtocol) {
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var wholeDigits = 0
        var seenPoint = false
        for ch in text.utf8 {
            switch ch {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(ch - UInt8(ascii: "0"))
                if seenPoint {
                    fractionDigits += 1
                    if fractionDigits > Self.decimals { return nil }
                    fraction = fraction * 10 + digit
                } else {
                    wholeDigits += 1
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(digit)
                    if o1 || o2 { return nil }
                    whole = a
                }
            case UInt8(ascii: "."):
                if seenPoint { return nil }
                seenPoint = true
            default:
                return nil
            }
        }
        if wholeDigits == 0 || (seenPoint && fractionDigits == 0) { return nil }
        for _ in fractionDigits..<Self.decimals { fraction *= 10 }
        let (w, o1) = whole.multipliedReportingOverflow(by: Self.scale)
        let (v, o2) = w.addingReportingOverflow(fraction)
        if o1 || o2 { return nil }
        self.milli = v
    }

    /// The score as a `Double`, for display and JSON numbers only; never for decisions.
    public var value: Double { Double(milli) / Double(Self.scale) }

    /// Shortest exact decimal: `82.6`, `133`, `0.125`.
    public var description: String {
        let sign = milli < 0 ? "-" : ""
        let magnitude = milli.magnitude
        let whole = magnitude / UInt64(Self.scale)
        let frac = magnitude % UInt64(Self.scale)
        if frac == 0 { return "\(sign)\(whole)" }
        var digits = String(frac)
        digits = String(repeating: "0", count: Self.decimals - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(whole).\(digits)"
    }

    public static func < (a: PerfScore, b: PerfScore) -> Bool { a.milli < b.milli }
}

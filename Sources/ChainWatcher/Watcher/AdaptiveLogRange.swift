/// The default ``LogRangeSizing``: halves the span on a refusal (or takes the node's
/// suggested range), and doubles it again after a run of successes, up to a ceiling.
public actor AdaptiveLogRange: LogRangeSizing {
    /// The widest span it grows back to.
    public let ceiling: UInt64
    /// Full-span successes in a row before the span doubles.
    public let successesBeforeGrowth: Int
    private var span: UInt64
    private var successes = 0

    public init(initial: UInt64 = 2_000, ceiling: UInt64 = 10_000, successesBeforeGrowth: Int = 4) {
        self.ceiling = max(1, ceiling)
        self.span = min(max(1, initial), self.ceiling)
        self.successesBeforeGrowth = max(1, successesBeforeGrowth)
    }

    public func nextSpan() -> UInt64 { span }

    public func recordSuccess(span used: UInt64) {
        guard used >= span else { return }  // a short final chunk says nothing about the limit
        successes += 1
        if successes >= successesBeforeGrowth {
            successes = 0
            span = min(ceiling, span.multipliedReportingOverflow(by: 2).overflow ? ceiling : span * 2)
        }
    }

    public func recordRefusal(span used: UInt64, suggested: ClosedRange<UInt64>?) {
        successes = 0
        let suggestedSpan = suggested.map { $0.upperBound - $0.lowerBound + 1 }
        if let suggestedSpan, suggestedSpan >= 1, suggestedSpan < used {
            span = suggestedSpan
        } else {
            span = max(1, min(span, used) / 2)
        }
    }
}

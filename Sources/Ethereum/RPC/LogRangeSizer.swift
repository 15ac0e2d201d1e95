/// Chooses the block ranges of an `eth_getLogs` scan and adapts their size to what the
/// node accepts, without ever skipping a block.
///
/// It owns the scan cursor: ``next(upTo:)`` hands out `[cursor, cursor + span - 1]`
/// (capped at the head) and remembers it; only ``succeeded()`` moves the cursor, to just
/// past that range. ``refused(suggested:)`` keeps the cursor and shrinks the span: to the
/// node's suggested range when it starts at the cursor and is smaller, else by half
/// (never below 1). After `growAfter` consecutive successes the span doubles again, up to
/// `maxSpan`. A pure value: the caller persists `cursor` with its results.
public struct LogRangeSizer: Sendable, Hashable {
    /// The first block not yet scanned.
    public private(set) var cursor: UInt64
    /// Blocks per request now.
    public private(set) var span: UInt64
    /// The largest span it grows back to.
    public let maxSpan: UInt64
    /// Consecutive successes before the span doubles.
    public let growAfter: Int
    /// The range handed out and not yet reported on.
    public private(set) var pending: ClosedRange<UInt64>?
    private var successes = 0

    /// - Parameters:
    ///   - cursor: the first block to scan.
    ///   - initialSpan: the first request's size (clamped to 1...maxSpan).
    public init(cursor: UInt64, initialSpan: UInt64 = 2_000, maxSpan: UInt64 = 2_000, growAfter: Int = 3) {
        self.cursor = cursor
        self.maxSpan = max(1, maxSpan)
        self.span = min(max(1, initialSpan), max(1, maxSpan))
        self.growAfter = max(1, growAfter)
    }

    /// The next range to request, or `nil` when the cursor is past `head`.
    public mutating func next(upTo head: UInt64) -> ClosedRange<UInt64>? {
        guard cursor <= head else {
            pending = nil
            return nil
        }
        let (end, overflow) = cursor.addingReportingOverflow(span - 1)
        let range = cursor...(overflow ? head : min(end, head))
        pending = range
        return range
    }

    /// The pending range was scanned: move past it and maybe grow.
    public mutating func succeeded() {
        guard let range = pending else { return }
        pending = nil
        cursor = range.upperBound &+ 1
        successes += 1
        if successes >= growAfter, span < maxSpan {
            span = span > maxSpan / 2 ? maxSpan : span * 2
            successes = 0
        }
    }

    /// The node refused the pending range as too large; `suggested` is its proposal, if any.
    public mutating func refused(suggested: ClosedRange<UInt64>? = nil) {
        guard let range = pending else { return }
        pending = nil
        successes = 0
        let asked = range.upperBound - range.lowerBound + 1
        if let suggested, suggested.lowerBound == range.lowerBound, suggested.upperBound < range.upperBound {
            span = suggested.upperBound - suggested.lowerBound + 1
        } else {
            span = max(1, min(span, asked) / 2)
        }
    }
}

import Ethereum
import Testing

/// `LogRangeSizer` as transition tables: each step is what the node did with the range
/// handed out, and the expected range that was handed out.
@Suite("Log range sizer")
struct LogRangeSizerTests {
    enum Outcome {
        case ok
        case refused(ClosedRange<UInt64>?)
    }

    /// Runs the steps from `sizer`, checking each handed-out range, and returns the sizer.
    @discardableResult
    func run(_ start: LogRangeSizer, head: UInt64, _ steps: [(ClosedRange<UInt64>, Outcome)]) -> LogRangeSizer {
        var sizer = start
        for (i, (expected, outcome)) in steps.enumerated() {
            let range = sizer.next(upTo: head)
            #expect(range == expected, "step \(i)")
            switch outcome {
            case .ok: sizer.succeeded()
            case .refused(let suggested): sizer.refused(suggested: suggested)
            }
        }
        return sizer
    }

    @Test func scansContiguousRangesUpToTheHead() {
        var sizer = run(
            LogRangeSizer(cursor: 100, initialSpan: 10, maxSpan: 10), head: 125,
            [
                (100...109, .ok), (110...119, .ok), (120...125, .ok),
            ])
        #expect(sizer.cursor == 126)
        #expect(sizer.next(upTo: 125) == nil)
        #expect(sizer.next(upTo: 127) == 126...127)
    }

    @Test func halvesOnRefusalDownToOneWithoutMovingTheCursor() {
        let sizer = run(
            LogRangeSizer(cursor: 0, initialSpan: 8, maxSpan: 8), head: 1_000,
            [
                (0...7, .refused(nil)), (0...3, .refused(nil)), (0...1, .refused(nil)), (0...0, .refused(nil)),
                (0...0, .ok),
                (1...1, .ok),
            ])
        #expect(sizer.cursor == 2 && sizer.span == 1)
    }

    @Test func takesTheSuggestedRangeWhenItStartsAtTheCursor() {
        let sizer = run(
            LogRangeSizer(cursor: 1_000, initialSpan: 2_000, maxSpan: 2_000), head: 10_000,
            [
                (1_000...2_999, .refused(1_000...1_299)), (1_000...1_299, .ok), (1_300...1_599, .ok),
            ])
        #expect(sizer.span == 300)
    }

    @Test(
        "a suggestion that does not fit is ignored: halve instead",
        arguments: [
            500...700 as ClosedRange<UInt64>,  // starts elsewhere: taking it would skip blocks
            0...5_000,  // not smaller than what was refused
        ])
    func badSuggestion(suggested: ClosedRange<UInt64>) {
        run(
            LogRangeSizer(cursor: 0, initialSpan: 1_000, maxSpan: 1_000), head: 10_000,
            [
                (0...999, .refused(suggested)), (0...499, .ok),
            ])
    }

    @Test func growsBackAfterConsecutiveSuccessesUpToTheMax() {
        let sizer = run(
            LogRangeSizer(cursor: 0, initialSpan: 8, maxSpan: 12, growAfter: 2), head: 1_000,
            [
                (0...7, .refused(nil)), (0...3, .ok), (4...7, .ok),  // 2 successes: 4 -> 8
                (8...15, .ok), (16...23, .refused(nil)),  // refusal resets the streak: 8 -> 4
                (16...19, .ok), (20...23, .ok),  // 4 -> 8
                (24...31, .ok), (32...39, .ok),  // 8 -> 12, capped
                (40...51, .ok), (52...63, .ok), (64...75, .ok),
            ])
        #expect(sizer.span == 12 && sizer.cursor == 76)
    }

    @Test func aRefusalAtTheHeadShrinksFromWhatWasAsked() {
        // Near the head the range is shorter than the span: halve what was asked.
        run(
            LogRangeSizer(cursor: 95, initialSpan: 100, maxSpan: 100), head: 100,
            [
                (95...100, .refused(nil)), (95...97, .ok), (98...100, .ok),
            ])
    }

    @Test func reportsWithoutAPendingRangeChangeNothing() {
        var sizer = LogRangeSizer(cursor: 7, initialSpan: 4, maxSpan: 4)
        sizer.succeeded()
        sizer.refused(suggested: nil)
        #expect(sizer.cursor == 7 && sizer.span == 4)
        #expect(sizer.next(upTo: 6) == nil)
        sizer.succeeded()
        #expect(sizer.cursor == 7)
    }

    @Test func neverOverflowsAtTheTopOfTheRange() {
        var sizer = LogRangeSizer(cursor: UInt64.max - 2, initialSpan: 10, maxSpan: 10)
        #expect(sizer.next(upTo: UInt64.max) == (UInt64.max - 2)...UInt64.max)
    }
}

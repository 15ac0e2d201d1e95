import Brokerage
import ChainWatcher
import Ethereum
import Testing

/// A ``ChainReader`` over a ``ChainModel`` with fault injection: outages, range limits,
/// missing headers, and a lagging node answering from the old fork. It fails the test
/// on calls the watcher should never make.
actor ScriptedChain: ChainReader {
    struct Faults: Sendable {
        /// Chance that any call fails as unavailable.
        var unavailable = 0.0
        /// Widest log range answered; wider ones are refused.
        var maxSpan: UInt64 = .max
        /// Whether a refusal names the range that would work.
        var suggestsRange = false
        /// Chance that a header batch leaves one height out.
        var missingHeader = 0.0
        /// Chance that logs come from the old fork where one exists.
        var staleLogs = 0.0
        /// Chance that an unconfirmed height is answered with its orphaned header.
        var staleHeader = 0.0
        /// Chance that the node ignores the filter's contract and recipient.
        var unfiltered = 0.0

        static let none = Faults()
    }

    private(set) var model: ChainModel
    var faults: Faults
    /// When set, any call is a test failure (the watcher must be idle, e.g. halted).
    var forbidden = false
    private(set) var calls = 0
    private let confirmations: UInt64
    private var rng: SplitMix64

    init(_ model: ChainModel, confirmations: UInt64, faults: Faults = .none, seed: UInt64 = 1) {
        self.model = model
        self.confirmations = confirmations
        self.faults = faults
        self.rng = SplitMix64(seed: seed)
    }

    func mine(_ transfers: [ChainModel.Transfer] = [], empty: Int = 0) {
        model.mine(transfers)
        for _ in 0..<empty { model.mine() }
    }

    func newTransfer(
        micro: UInt64, emitter: Address = WatcherFixtures.usdc, to: Address = WatcherFixtures.depositAddress
    ) -> ChainModel.Transfer {
        model.newTransfer(micro: micro, emitter: emitter, to: to)
    }

    func reorg(
        depth: Int, extra: Int = 0,
        reinclude: @Sendable ([ChainModel.Transfer]) -> [[ChainModel.Transfer]] = { _ in [] }
    ) {
        model.reorg(depth: depth, extra: extra, reinclude: reinclude)
    }

    func setFaults(_ faults: Faults) { self.faults = faults }
    func setForbidden(_ forbidden: Bool) { self.forbidden = forbidden }

    /// Confirmations of a deposit on the canonical chain now, nil if its block is not canonical.
    func confirmations(of deposit: Deposit) -> UInt64? { model.confirmations(of: deposit) }

    func head() throws(ChainReadError) -> BlockHeader {
        try begin("head")
        return model.head
    }

    func headers(at heights: [UInt64]) throws(ChainReadError) -> [BlockHeader] {
        try begin("headers")
        if heights.isEmpty || heights != heights.sorted() || Set(heights).count != heights.count {
            Issue.record("headers asked for \(heights): expected distinct ascending heights")
        }
        let tip = model.head.number + 1 >= confirmations ? model.head.number + 1 - confirmations : 0
        var answer = heights.compactMap { height -> BlockHeader? in
            if height > tip, let orphan = model.orphans[height]?.last, rng.chance(faults.staleHeader) {
                return orphan.header
            }
            return model.header(at: height)
        }
        if !answer.isEmpty, rng.chance(faults.missingHeader) {
            answer.remove(at: Int.random(in: 0..<answer.count, using: &rng))
        }
        return answer
    }

    func transferLogs(_ filter: TransferFilter, in range: ClosedRange<UInt64>) throws(ChainReadError) -> [EventLog] {
        try begin("logs")
        if filter != ChainModel.filter { Issue.record("logs asked with filter \(filter)") }
        if range.upperBound > model.head.number {
            Issue.record("logs asked for \(range) beyond the head \(model.head.number)")
        }
        let span = range.upperBound - range.lowerBound + 1
        if span > faults.maxSpan {
            let suggestion = faults.suggestsRange ? range.lowerBound...(range.lowerBound + faults.maxSpan - 1) : nil
            throw .rangeRefused(suggested: suggestion)
        }
        if rng.chance(faults.staleLogs) { return model.staleLogs(in: range, filter: filter) }
        if rng.chance(faults.unfiltered) {
            return range.clamped(to: 0...model.head.number).flatMap { model.blocks[Int($0)].logs() }
        }
        return model.logs(in: range, filter: filter)
    }

    private func begin(_ what: String) throws(ChainReadError) {
        calls += 1
        if forbidden { Issue.record("unexpected \(what) call: the watcher should not read the chain now") }
        if rng.chance(faults.unavailable) { throw .unavailable("injected outage") }
    }
}

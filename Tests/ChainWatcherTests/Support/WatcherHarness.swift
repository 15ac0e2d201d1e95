import ChainWatcher
import Foundation
import Logging
import MetricsTestKit
import Timekeeping

/// A watcher service wired to a scripted chain, an in-memory ledger and test metrics.
struct WatcherHarness {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    let settings: DepositWatchSettings
    let chain: ScriptedChain
    let ledger: InMemoryDepositLedger
    let metrics: TestMetrics
    let service: DepositWatcherService

    init(
        _ model: ChainModel, confirmations: UInt64, startBlock: UInt64? = nil, faults: ScriptedChain.Faults = .none,
        rangeSizer: any LogRangeSizing = AdaptiveLogRange(), seed: UInt64 = 1,
        clock: any TimeSource = FrozenClock()
    ) {
        settings = WatcherFixtures.settings(confirmations: confirmations, startBlock: startBlock)
        chain = ScriptedChain(model, confirmations: confirmations, faults: faults, seed: seed)
        ledger = InMemoryDepositLedger(
            chainID: settings.chainID, confirmations: confirmations, chain: chain, seed: seed &+ 1)
        metrics = TestMetrics()
        var logger = Logger(label: "gp4u.watcher.test")
        logger.logLevel = .critical
        service = DepositWatcherService(
            settings: settings, reader: chain, ledger: ledger, pollInterval: .milliseconds(1), rangeSizer: rangeSizer,
            clock: clock, metricsFactory: metrics, logger: logger)
    }

    /// A counter's total for this chain.
    func counter(_ label: String) -> Int64 {
        metrics.counterTotal(label: label, dimensions: [("chain_id", String(settings.chainID))])
    }

    /// A gauge's last value for this chain.
    func gauge(_ label: String) throws -> Double? {
        try metrics.expectGauge(label, [("chain_id", String(settings.chainID))]).lastValue
    }
}

/// Polls back to back at one fixed wall time, so status timestamps equal ``WatcherHarness/now``.
struct FrozenClock: TimeSource {
    var now: Date { WatcherHarness.now }
    var elapsed: Duration { .zero }
    func sleep(for duration: Duration) async throws { try Task.checkCancellation() }
}

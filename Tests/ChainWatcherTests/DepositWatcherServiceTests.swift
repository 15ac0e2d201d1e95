import Brokerage
import ChainWatcher
import Ethereum
import Logging
import ServiceLifecycle
import Testing
import Timekeeping

/// The watcher loop against a scripted chain and an in-memory ledger: crediting,
/// pending, status and metrics, failures that are counted instead of thrown, the halt on
/// a deep reorg and the operator's resume, and `run()` under graceful shutdown.
@Suite("Deposit watcher service")
struct DepositWatcherServiceTests {
    @Test("credits confirmed deposits once, records pending ones, publishes status and metrics")
    func creditsAndReports() async throws {
        let harness = WatcherHarness(ChainModel(length: 50), confirmations: 3)
        await harness.service.pollOnce()
        let anchor = try #require(await harness.ledger.cursor)
        #expect(anchor.number == 48)

        let first = await harness.chain.newTransfer(micro: 5_000_000)
        let second = await harness.chain.newTransfer(micro: 7_250_000)
        await harness.chain.mine([first, second], empty: 1)
        await harness.service.pollOnce()
        #expect(await harness.ledger.credited.isEmpty)
        #expect(await harness.ledger.pending.map(\.confirmations) == [2, 2])
        #expect(await harness.ledger.pending.map(\.deposit.key.transactionHash) == [first.tx, second.tx])

        await harness.chain.mine()
        await harness.service.pollOnce()
        await harness.service.pollOnce()
        #expect(await harness.ledger.credited.map(\.key.transactionHash) == [first.tx, second.tx])
        #expect(await harness.ledger.credited.map(\.amount) == [USDC(micro: 5_000_000), USDC(micro: 7_250_000)])
        #expect(await harness.ledger.pending.isEmpty)
        #expect(await harness.ledger.reoffered.isEmpty)
        #expect(harness.counter("gp4u_watcher_credits_total") == 2)
        #expect(harness.counter("gp4u_watcher_credited_micro_usdc_total") == 12_250_000)
        #expect(harness.counter("gp4u_watcher_rpc_errors_total") == 0)

        let head = await harness.chain.model.head
        let status = harness.service.status
        #expect(status.head == head.ref)
        #expect(status.cursor?.number == head.number - 2)
        #expect(status.lag == 2)
        #expect(status.pendingCount == 0)
        #expect(status.lastCreditAt == WatcherHarness.now)
        #expect(!status.isHalted)
        #expect(status.backfill == nil)
        #expect(try harness.gauge("gp4u_watcher_head_block") == Double(head.number))
        #expect(try harness.gauge("gp4u_watcher_cursor_block") == Double(head.number - 2))
        #expect(try harness.gauge("gp4u_watcher_lag_blocks") == 2)
        #expect(try harness.gauge("gp4u_watcher_pending_deposits") == 0)
    }

    @Test("node and store failures are counted and retried on the next poll, never thrown")
    func failuresAreRetried() async throws {
        let harness = WatcherHarness(ChainModel(length: 20), confirmations: 2)
        await harness.chain.setFaults(ScriptedChain.Faults(unavailable: 1))
        await harness.service.pollOnce()
        #expect(harness.counter("gp4u_watcher_rpc_errors_total") == 1)
        #expect(await harness.ledger.cursor == nil)

        await harness.chain.setFaults(.none)
        await harness.ledger.failNext(1)
        await harness.service.pollOnce()
        #expect(harness.counter("gp4u_watcher_store_errors_total") == 1)
        #expect(await harness.ledger.cursor == nil)

        await harness.service.pollOnce()
        #expect(await harness.ledger.cursor?.number == 18)
    }

    @Test("a credit whose acknowledgement was lost is replayed and changes nothing")
    func lostAcknowledgement() async throws {
        let harness = WatcherHarness(ChainModel(length: 10), confirmations: 1)
        await harness.service.pollOnce()
        let transfer = await harness.chain.newTransfer(micro: 4_000_000)
        await harness.chain.mine([transfer])
        await harness.ledger.loseAcknowledgements(1)
        await harness.service.pollOnce()
        await harness.service.pollOnce()
        #expect(await harness.ledger.credited.map(\.key.transactionHash) == [transfer.tx])
        #expect(await harness.ledger.reoffered.map(\.transactionHash) == [transfer.tx])
        // The replay reports nothing new (the lost call committed it), so metrics never
        // count a deposit twice; the ledger, not the counter, is the record.
        #expect(harness.counter("gp4u_watcher_credits_total") == 0)
        #expect(harness.counter("gp4u_watcher_store_errors_total") == 1)
        #expect(await harness.ledger.cursor == harness.service.status.cursor)
    }

    @Test("a backfill through a node with a small range limit credits every deposit", arguments: [false, true])
    func backfillThroughRangeLimit(suggestsRange: Bool) async throws {
        var model = ChainModel(length: 5)
        for index in 0..<40 {
            let transfers = index % 4 == 0 ? [model.newTransfer(micro: UInt64(index + 1) * 1_000)] : []
            model.mine(transfers)
        }
        let harness = WatcherHarness(
            model, confirmations: 2, startBlock: 3,
            faults: ScriptedChain.Faults(maxSpan: 3, suggestsRange: suggestsRange),
            rangeSizer: AdaptiveLogRange(initial: 16, ceiling: 64))
        await harness.service.pollOnce()
        let credited = Set(await harness.ledger.credited.map(\.key))
        #expect(credited == model.confirmedDeposits(confirmations: 2))
        #expect(credited.count == 10)
        #expect(await harness.ledger.cursor?.number == model.head.number - 1)
        #expect(await harness.ledger.premature.isEmpty)
    }

    @Test("a reorg below the cursor records an incident and halts until an operator resolves it")
    func incidentHaltsUntilResolved() async throws {
        let harness = WatcherHarness(ChainModel(length: 20), confirmations: 2)
        await harness.service.pollOnce()
        let credited = await harness.chain.newTransfer(micro: 1_000_000)
        await harness.chain.mine([credited], empty: 3)
        await harness.service.pollOnce()
        #expect(await harness.ledger.credited.map(\.key.transactionHash) == [credited.tx])

        await harness.chain.reorg(depth: 4)
        await harness.service.pollOnce()
        let incidents = await harness.ledger.incidents
        #expect(incidents.count == 1)
        #expect(incidents.first?.height == 20)
        #expect(harness.service.status.isHalted)
        #expect(harness.counter("gp4u_watcher_incidents_total") == 1)
        #expect(try harness.gauge("gp4u_watcher_halted") == 1)

        // Halted: the chain is not read and nothing is credited, whatever happens on it.
        let late = await harness.chain.newTransfer(micro: 2_000_000)
        await harness.chain.mine([late], empty: 3)
        await harness.chain.setForbidden(true)
        await harness.service.pollOnce()
        await harness.chain.setForbidden(false)
        #expect(await harness.ledger.credited.count == 1)

        // The operator resolves the incident; the next poll re-anchors and carries on.
        await harness.ledger.resolveIncident()
        await harness.service.pollOnce()
        let cursor = try #require(await harness.ledger.cursor)
        let model = await harness.chain.model
        #expect(model.header(at: cursor.number)?.hash == cursor.hash)
        #expect(!harness.service.status.isHalted)
        #expect(await harness.ledger.credited.map(\.key.transactionHash) == [credited.tx, late.tx])
    }

    @Test("run() polls on its interval, survives a flaky node, and ends on graceful shutdown")
    func runUntilShutdown() async throws {
        let harness = WatcherHarness(
            ChainModel(length: 30), confirmations: 2, startBlock: 25, faults: ScriptedChain.Faults(unavailable: 0.3),
            seed: 7,
            clock: SystemTimeSource())
        let transfer = await harness.chain.newTransfer(micro: 9_000_000)
        await harness.chain.mine([transfer], empty: 2)
        var logger = Logger(label: "gp4u.watcher.test.group")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [harness.service], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var waited = 0
            while await harness.ledger.credited.isEmpty, waited < 2_000 {
                try await Task.sleep(for: .milliseconds(2))
                waited += 1
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(await harness.ledger.credited.map(\.key.transactionHash) == [transfer.tx])
    }
}

import Brokerage
import ChainWatcher
import Ethereum
import Testing

private typealias F = WatcherFixtures
private typealias Machine = DepositWatcherStateMachine

/// Header `n`; on `fork` > 0, blocks from `from` up get other hashes (a competing branch).
private func header(_ n: UInt64, fork: UInt64 = 0, from: UInt64 = 0) -> BlockHeader {
    func id(_ k: UInt64) -> UInt64 { fork > 0 && k >= from ? fork * 1_000_000 + k : k }
    let parent = n == 0 ? F.hash(.max, salt: 0xB) : F.hash(id(n - 1), salt: 0xB)
    return BlockHeader(number: n, hash: F.hash(id(n), salt: 0xB), parentHash: parent)
}

private func log(at n: UInt64, tx: UInt64, index: UInt64 = 0, micro: UInt64 = 5_000_000, fork: UInt64 = 0)
    -> EventLog
{
    F.transferLog(
        block: n, blockHash: header(n, fork: fork).hash, tx: F.hash(tx, salt: 0x7A), logIndex: index, micro: micro)
}

/// The opening of a poll with a stored cursor: the head, the hash check of the cursor
/// , and the first log request up to `through`.
private func opening(cursor: UInt64, head: UInt64, through: UInt64) -> [(Machine.Observation, [Machine.Action])] {
    [
        (.pollDue, [.fetchHead]),
        (.head(header(head)), [.fetchHeaders([cursor])]),
        (.headers([header(cursor)]), [.fetchLogs(from: cursor + 1, through: through)]),
    ]
}

/// Feeds observations one by one and checks the exact actions of each step.
private func expectSteps(
    _ machine: inout Machine, _ steps: [(Machine.Observation, [Machine.Action])],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for (index, (observation, expected)) in steps.enumerated() {
        let actions = machine.handle(observation)
        #expect(actions == expected, "step \(index): \(observation)", sourceLocation: sourceLocation)
    }
}

/// Transition tables of the deposit watcher: first start, confirmation depth, chunked
/// scans, cross-checks of log block hashes, refused logs.
@Suite("Deposit watcher state machine")
struct DepositWatcherStateMachineTests {
    @Test("first start without a start block anchors on the block below the head and stores it")
    func freshStartFromHead() {
        var machine = Machine(settings: F.settings(confirmations: 3), cursor: nil)
        expectSteps(
            &machine,
            [
                (.pollDue, [.fetchHead]),
                (.head(header(100)), [.fetchHeaders([99])]),
                (.headers([header(99)]), [.credit([], advancingCursorTo: header(99).ref)]),
                // Confirmed tip is 98, below the anchor: only the head is left, as pending.
                (.creditCommitted(header(99).ref), [.fetchLogs(from: 100, through: 100)]),
                (.logs(100...100, []), [.updatePending([], head: header(100).ref), .waitForNextPoll]),
            ])
        #expect(machine.cursor == header(99).ref)
        #expect(machine.head == header(100).ref)
    }

    @Test("first start from a configured block scans confirmed blocks, then pending ones")
    func freshStartFromStartBlock() {
        var machine = Machine(settings: F.settings(confirmations: 3, startBlock: 90), cursor: nil)
        let deposit = log(at: 95, tx: 1)
        expectSteps(
            &machine,
            [
                (.pollDue, [.fetchHead]),
                (.head(header(100)), [.fetchHeaders([89])]),
                (.headers([header(89)]), [.credit([], advancingCursorTo: header(89).ref)]),
                (.creditCommitted(header(89).ref), [.fetchLogs(from: 90, through: 98)]),
                (.logs(90...98, [deposit]), [.fetchHeaders([95, 98])]),
                (
                    .headers([header(98), header(95)]),
                    [.credit([F.deposit(deposit)], advancingCursorTo: header(98).ref)]
                ),
                (.creditCommitted(header(98).ref), [.fetchLogs(from: 99, through: 100)]),
                (.logs(99...100, []), [.fetchHeaders([99])]),
                (.headers([header(99)]), [.updatePending([], head: header(100).ref), .waitForNextPoll]),
            ])
        #expect(machine.backfillStart == 89)
    }

    @Test("a stored cursor wins over the start block and is checked against the chain")
    func restartFromStoredCursor() {
        var machine = Machine(settings: F.settings(confirmations: 3, startBlock: 10), cursor: header(97).ref)
        expectSteps(&machine, opening(cursor: 97, head: 100, through: 98))
    }

    @Test("a transfer is pending at N-1 confirmations, credited at N, and never again at N+1")
    func confirmationDepth() {
        let confirmations: UInt64 = 3
        var chain = ChainModel(length: 100)
        var driver = MachineDriver(F.settings(confirmations: confirmations), cursor: chain.head.ref)
        let transfer = chain.newTransfer(micro: 12_340_000)
        chain.mine([transfer])
        let block = chain.head.number
        for _ in 0..<(confirmations + 1) {
            driver.poll(chain)
            let depth = chain.head.number - block + 1
            if depth < confirmations {
                #expect(driver.credited.isEmpty)
                #expect(driver.pending.map(\.confirmations) == [Int(depth)])
                #expect(driver.pending.map(\.required) == [Int(confirmations)])
                #expect(driver.pending.map(\.deposit.amount) == [USDC(micro: 12_340_000)])
            } else {
                #expect(driver.credited.map(\.key.transactionHash) == [transfer.tx])
                #expect(driver.pending.isEmpty)
            }
            chain.mine()
        }
    }

    @Test("a refused range is asked again from the same block, and a chunk never skips one")
    func rangeRefusalNeverSkips() {
        var machine = Machine(settings: F.settings(confirmations: 1), cursor: header(0).ref)
        expectSteps(
            &machine,
            opening(cursor: 0, head: 10, through: 10) + [
                (.failed(.rangeRefused), [.fetchLogs(from: 1, through: 10)]),
                (.logs(1...4, []), [.fetchHeaders([4])]),
                (.headers([header(4)]), [.credit([], advancingCursorTo: header(4).ref)]),
                (.creditCommitted(header(4).ref), [.fetchLogs(from: 5, through: 10)]),
                // Logs that start past the asked block would skip block 5: refused.
                (
                    .logs(6...10, []),
                    [.report(.unexpected("logs for 6...10, asked from 5 through 10")), .waitForNextPoll]
                ),
            ])
        #expect(machine.cursor == header(4).ref)
        // Nor may a chunk run past the confirmed tip.
        expectSteps(
            &machine,
            opening(cursor: 4, head: 10, through: 10) + [
                (
                    .logs(5...11, []),
                    [.report(.unexpected("logs for 5...11, asked from 5 through 10")), .waitForNextPoll]
                )
            ])
    }

    @Test("too many range refusals in one poll end it until the next")
    func refusalLimit() {
        let settings = DepositWatchSettings(
            chainID: F.chainID, usdc: F.usdc, depositAddress: F.depositAddress, confirmations: 1,
            maxRangeRefusalsPerPoll: 3)
        var machine = Machine(settings: settings, cursor: header(0).ref)
        _ = machine.handle(.pollDue)
        _ = machine.handle(.head(header(10)))
        #expect(machine.handle(.headers([header(0)])) == [.fetchLogs(from: 1, through: 10)])
        for _ in 0..<3 { #expect(machine.handle(.failed(.rangeRefused)) == [.fetchLogs(from: 1, through: 10)]) }
        #expect(machine.handle(.failed(.rangeRefused)) == [.waitForNextPoll])
        #expect(!machine.isPolling)
    }

    @Test(
        "chunked scans cover every block exactly once, whatever the chunk size", arguments: [1, 3, 7, 64] as [UInt64])
    func chunksCoverEveryBlock(span: UInt64) {
        var chain = ChainModel(length: 5)
        var expected: [Deposit] = []
        for n in 0..<40 {
            if n % 3 == 0 {
                let transfer = chain.newTransfer(micro: UInt64(n + 1))
                chain.mine([transfer])
                expected += chain.logs(in: chain.head.number...chain.head.number, filter: ChainModel.filter).map(
                    F.deposit)
            } else {
                chain.mine()
            }
        }
        var driver = MachineDriver(F.settings(confirmations: 1), cursor: chain.header(at: 4)!.ref)
        driver.span = span
        driver.poll(chain)
        #expect(driver.credited == expected)
        let blocks = driver.fetchedRanges.flatMap { Array($0) }
        #expect(blocks == Array(5...chain.head.number))
        #expect(driver.fetchedRanges.allSatisfy { UInt64($0.count) <= span })
        #expect(driver.machine.cursor == chain.head.ref)
    }

    @Test("a long backfill yields after its chunk budget and the next poll goes on from the cursor")
    func backfillYields() {
        var chain = ChainModel(length: 30)
        let settings = DepositWatchSettings(
            chainID: F.chainID, usdc: F.usdc, depositAddress: F.depositAddress, confirmations: 1, maxChunksPerPoll: 2)
        var driver = MachineDriver(settings, cursor: chain.header(at: 5)!.ref)
        driver.span = 4
        let transfer = chain.newTransfer(micro: 1)
        chain.mine([transfer])
        // Two chunks of four blocks per poll, no pending update until caught up.
        #expect(driver.poll(chain) == [.waitForNextPoll])
        #expect(driver.machine.cursor == chain.header(at: 13)!.ref)
        #expect(driver.poll(chain) == [.waitForNextPoll])
        #expect(driver.machine.cursor == chain.header(at: 21)!.ref)
        #expect(driver.credited.isEmpty)
        for _ in 0..<10 where driver.machine.cursor != chain.head.ref { driver.poll(chain) }
        #expect(driver.credited.map(\.key.transactionHash) == [transfer.tx])
        #expect(driver.fetchedRanges.flatMap { Array($0) } == Array(6...chain.head.number))
    }

    @Test("a log whose block hash is not canonical (lagging node) is never credited; the poll is retried")
    func laggingNodeHashMismatch() {
        var machine = Machine(settings: F.settings(confirmations: 1), cursor: header(9).ref)
        let stale = log(at: 10, tx: 7, fork: 1)
        let good = log(at: 10, tx: 7)
        expectSteps(
            &machine,
            opening(cursor: 9, head: 10, through: 10) + [
                (
                    .logs(10...10, [stale]),
                    [
                        .report(
                            .blockHashMismatch(
                                height: 10, logBlockHash: header(10, fork: 1).hash, canonical: header(10).hash)),
                        .waitForNextPoll,
                    ]
                )
            ])
        #expect(machine.cursor == header(9).ref)
        expectSteps(
            &machine,
            opening(cursor: 9, head: 10, through: 10) + [
                (.logs(10...10, [good]), [.credit([F.deposit(good)], advancingCursorTo: header(10).ref)])
            ])
    }

    @Test("headers that do not link by parent hash (mixed forks) stop the poll")
    func brokenParentLink() {
        var machine = Machine(settings: F.settings(confirmations: 2), cursor: header(7).ref)
        expectSteps(
            &machine,
            opening(cursor: 7, head: 10, through: 9) + [
                (.logs(8...9, [log(at: 9, tx: 3)]), [.fetchHeaders([9])]),
                (.headers([header(9, fork: 2, from: 9)]), [.report(.brokenParentLink(height: 10)), .waitForNextPoll]),
            ])
        #expect(machine.cursor == header(7).ref)
    }

    @Test("a node missing headers or behind the cursor ends the poll without crediting")
    func nodeBehind() {
        var machine = Machine(settings: F.settings(confirmations: 1), cursor: header(9).ref)
        expectSteps(
            &machine,
            [
                (.pollDue, [.fetchHead]),
                (.head(header(8)), [.report(.nodeBehind(head: 8, needed: 9)), .waitForNextPoll]),
                (.pollDue, [.fetchHead]),
                (.head(header(12)), [.fetchHeaders([9])]),
                (.headers([]), [.report(.missingHeaders([9])), .waitForNextPoll]),
                (.pollDue, [.fetchHead]),
                (.head(header(12)), [.fetchHeaders([9])]),
                (.failed(.unavailable), [.waitForNextPoll]),
            ])
        #expect(machine.cursor == header(9).ref)
    }

    @Test("logs from another contract, malformed, to another address, removed or out of range are refused and counted")
    func refusedLogs() {
        var machine = Machine(settings: F.settings(confirmations: 1), cursor: header(9).ref)
        let valid = log(at: 10, tx: 1, index: 0)
        let foreign = F.transferLog(
            block: 10, blockHash: header(10).hash, tx: F.hash(2, salt: 0x7A), logIndex: 1, micro: 9,
            emitter: F.foreignToken)
        var malformed = log(at: 10, tx: 3, index: 2)
        malformed.topics.removeLast()
        let elsewhere = F.transferLog(
            block: 10, blockHash: header(10).hash, tx: F.hash(4, salt: 0x7A), logIndex: 3, micro: 9, to: F.sender)
        var removed = log(at: 10, tx: 5, index: 4)
        removed.removed = true
        let outside = log(at: 11, tx: 6)
        var huge = log(at: 10, tx: 8, index: 5)
        huge.data = [UInt8](repeating: 0xFF, count: 32)
        func refused(_ log: EventLog, _ reason: DiscardedLog.Reason) -> Machine.Action {
            .report(
                .discarded(
                    DiscardedLog(
                        blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex,
                        reason: reason)))
        }
        _ = machine.handle(.pollDue)
        _ = machine.handle(.head(header(10)))
        _ = machine.handle(.headers([header(9)]))
        let actions = machine.handle(
            .logs(10...10, [foreign, valid, malformed, elsewhere, removed, outside, huge, valid]))
        #expect(
            actions == [
                refused(foreign, .foreignContract(F.foreignToken)),
                refused(malformed, .malformed(.wrongTopicCount(2))),
                refused(elsewhere, .otherRecipient(F.sender)),
                refused(removed, .removed),
                refused(outside, .outsideRange),
                refused(huge, .amountTooLarge),
                // The repeated valid log is credited once.
                .credit([F.deposit(valid)], advancingCursorTo: header(10).ref),
            ])
    }

    @Test("a failed credit is retried by the next poll; observations it did not ask for are ignored when idle")
    func creditFailureRetries() {
        var machine = Machine(settings: F.settings(confirmations: 1), cursor: header(9).ref)
        let deposit = log(at: 10, tx: 1)
        let scanSteps =
            opening(cursor: 9, head: 10, through: 10) + [
                (.logs(10...10, [deposit]), [.credit([F.deposit(deposit)], advancingCursorTo: header(10).ref)])
            ]
        expectSteps(&machine, scanSteps + [(.failed(.storeUnavailable), [.waitForNextPoll])])
        #expect(machine.cursor == header(9).ref)
        #expect(machine.handle(.creditCommitted(header(10).ref)) == [])
        #expect(machine.handle(.resume) == [])
        expectSteps(&machine, scanSteps)
    }
}

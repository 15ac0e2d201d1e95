import Brokerage
import ChainWatcher
import Testing

private typealias F = WatcherFixtures

/// Reorgs against the pure state machine: inside the unconfirmed window they only
/// change what is pending; reaching the credited cursor they halt the chain until an
/// operator resumes.
@Suite("Deposit watcher reorgs")
struct DepositWatcherReorgTests {
    /// Where the reorged transfer ends up on the new branch.
    enum Reinclusion: String, CaseIterable, Sendable {
        case sameHeight, laterBlock, dropped
    }

    @Test(
        "a reorg inside the window refreshes pending; the transfer is credited once at depth N, or never",
        arguments: 1...3, Reinclusion.allCases)
    func reorgInsideWindow(depth: Int, reinclusion: Reinclusion) throws {
        let confirmations: UInt64 = 4
        var chain = ChainModel(length: 30)
        var driver = MachineDriver(F.settings(confirmations: confirmations), cursor: chain.head.ref)
        let transfer = chain.newTransfer(micro: 2_500_000)
        for index in 0..<depth {
            chain.mine(index == 0 ? [transfer] : [])
            driver.poll(chain)
        }
        let block = chain.head.number - UInt64(depth) + 1
        #expect(driver.pending.map(\.deposit.key.transactionHash) == [transfer.tx])

        chain.reorg(depth: depth, extra: 1) { dropped in
            switch reinclusion {
            case .sameHeight: [dropped]
            case .laterBlock: [[], dropped]
            case .dropped: []
            }
        }
        let orphan = try #require(chain.orphans[block]?.last)
        let report = driver.poll(chain).first
        let notice = ReorgNotice(
            height: block, depth: UInt64(depth), expected: orphan.header.hash, found: chain.header(at: block)!.hash)
        #expect(report == .report(.reorg(notice)))
        // From here on, after every poll: pending deposits are canonical and below depth N,
        // credited ones canonical and at depth N or more, and nothing is credited twice.
        func checkPoll() {
            #expect(driver.credited.count <= 1)
            for deposit in driver.credited {
                #expect((chain.confirmations(of: deposit) ?? 0) >= confirmations)
            }
            for pending in driver.pending {
                #expect(chain.confirmations(of: pending.deposit) == UInt64(pending.confirmations))
                #expect(UInt64(pending.confirmations) < confirmations)
            }
            let seen = Set((driver.pending.map(\.deposit) + driver.credited).map(\.key.transactionHash))
            #expect(seen == (reinclusion == .dropped ? [] : [transfer.tx]))
        }
        checkPoll()
        for _ in 0..<(confirmations + 2) {
            chain.mine()
            driver.poll(chain)
            checkPoll()
        }
        #expect(driver.credited.map(\.key.transactionHash) == (reinclusion == .dropped ? [] : [transfer.tx]))
    }

    @Test("a reorg reaching the cursor raises an incident, halts without reversing anything, and resume re-anchors")
    func reorgReachingCursor() throws {
        var chain = ChainModel(length: 20)
        var driver = MachineDriver(F.settings(confirmations: 2), cursor: chain.head.ref)
        let early = chain.newTransfer(micro: 1_000_000)
        for index in 0..<5 {
            chain.mine(index == 1 ? [early] : [])
            driver.poll(chain)
        }
        #expect(driver.credited.map(\.key.transactionHash) == [early.tx])
        let cursor = try #require(driver.machine.cursor)
        #expect(cursor == chain.header(at: chain.head.number - 1)?.ref)

        // Four blocks replaced: the cursor and the credited transfer's block among them.
        chain.reorg(depth: 4)
        let lowest = chain.head.number - 3
        let incident = ReorgIncident(
            chainID: F.chainID, height: lowest, expected: try #require(chain.orphans[lowest]?.last).header.hash,
            found: chain.header(at: lowest)!.hash, cursor: cursor)
        #expect(
            driver.poll(chain) == [
                .raiseIncident(incident), .updatePending([], head: chain.head.ref), .waitForNextPoll,
            ])
        #expect(driver.machine.incident == incident)
        #expect(driver.credited.count == 1)

        // Halted: polls and chain answers do nothing, new transfers wait.
        let late = chain.newTransfer(micro: 3_000_000)
        chain.mine([late])
        chain.mine()
        #expect(driver.poll(chain) == [.waitForNextPoll])
        #expect(driver.machine.handle(.head(chain.head)) == [])
        #expect(driver.credited.count == 1)

        // The operator resumes: re-anchor on the canonical block at the cursor's height.
        driver.poll(chain, starting: .resume)
        #expect(!driver.machine.isHalted)
        #expect(driver.machine.cursor?.number == chain.head.number - 1)
        #expect(driver.credited.map(\.key.transactionHash) == [early.tx, late.tx])
    }

    @Test("a watcher started with an open incident stays halted until resumed")
    func startsHalted() throws {
        let chain = ChainModel(length: 10)
        let cursor = try #require(chain.header(at: 8)).ref
        let incident = ReorgIncident(
            chainID: F.chainID, height: 8, expected: F.hash(1), found: cursor.hash, cursor: cursor)
        var machine = DepositWatcherStateMachine(
            settings: F.settings(confirmations: 2), cursor: cursor, incident: incident)
        #expect(machine.isHalted)
        #expect(machine.handle(.pollDue) == [.waitForNextPoll])
        #expect(machine.handle(.resume) == [.fetchHeaders([8])])
        #expect(machine.handle(.headers([chain.header(at: 8)!])) == [.credit([], advancingCursorTo: cursor)])
        #expect(machine.handle(.creditCommitted(cursor)) == [.fetchHead])
        #expect(!machine.isHalted)
    }
}

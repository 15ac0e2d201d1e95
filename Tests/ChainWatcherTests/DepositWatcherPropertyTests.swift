import Brokerage
import ChainWatcher
import Testing

private typealias F = WatcherFixtures

/// The watcher's central promise, checked on random histories: whatever the transfers,
/// the reorgs inside the confirmation window and the faults of node and store, the
/// credited set ends equal to the confirmed canonical transfers, each credited once and
/// none before its depth (the in-memory ledger checks that at every credit).
@Suite("Deposit watcher exactly-once property")
struct DepositWatcherPropertyTests {
    @Test(
        "random transfers, reorgs and faults: credited equals confirmed canonical transfers, once",
        arguments: 1...16 as ClosedRange<UInt64>)
    func exactlyOnce(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let confirmations = UInt64.random(in: 2...6, using: &rng)
        let faults = ScriptedChain.Faults(
            unavailable: 0.08, maxSpan: UInt64.random(in: 1...6, using: &rng), suggestsRange: rng.chance(0.5),
            missingHeader: 0.05,
            staleLogs: 0.1, staleHeader: 0.05, unfiltered: 0.1)
        let harness = WatcherHarness(
            ChainModel(length: 12), confirmations: confirmations, startBlock: 1, faults: faults,
            rangeSizer: AdaptiveLogRange(initial: 4, ceiling: 16), seed: seed)
        await harness.ledger.setFailureRate(0.1)
        var length = 12

        for _ in 0..<80 {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                var transfers: [ChainModel.Transfer] = []
                for _ in 0..<Int.random(in: 0...3, using: &rng) {
                    let micro = UInt64.random(in: 1...50_000_000, using: &rng)
                    switch Int.random(in: 0..<6, using: &rng) {
                    case 0: transfers.append(await harness.chain.newTransfer(micro: micro, emitter: F.foreignToken))
                    case 1: transfers.append(await harness.chain.newTransfer(micro: micro, to: F.sender))
                    default: transfers.append(await harness.chain.newTransfer(micro: micro))
                    }
                }
                await harness.chain.mine(transfers)
                length += 1
            case 5..<7:
                // Shallower than the confirmation depth, so it never reaches the cursor.
                let depth = Int.random(in: 1...min(Int(confirmations) - 1, length - 1), using: &rng)
                let extra = Int.random(in: 0...2, using: &rng)
                let planSeed = rng.next()
                await harness.chain.reorg(depth: depth, extra: extra) { dropped in
                    var plan = SplitMix64(seed: planSeed)
                    var blocks = [[ChainModel.Transfer]](repeating: [], count: depth + extra)
                    for transfer in dropped where !plan.chance(0.3) {
                        blocks[Int.random(in: 0..<blocks.count, using: &plan)].append(transfer)
                    }
                    return blocks
                }
                length += extra
            default:
                await harness.service.pollOnce()
            }
        }

        // Settle: an honest node and store, enough blocks to confirm everything mined.
        await harness.chain.setFaults(.none)
        await harness.ledger.setFailureRate(0)
        await harness.chain.mine(empty: Int(confirmations))
        let tip = await harness.chain.model.head.number + 1 - confirmations
        var polls = 0
        while await harness.ledger.cursor?.number != tip, polls < 20 {
            await harness.service.pollOnce()
            polls += 1
        }

        let model = await harness.chain.model
        let credited = await harness.ledger.credited.map(\.key)
        #expect(Set(credited).count == credited.count, "seed \(seed)")
        let confirmed = model.confirmedDeposits(confirmations: confirmations)
        #expect(confirmed.subtracting(credited).isEmpty, "seed \(seed): confirmed transfers never credited")
        #expect(
            Set(credited).subtracting(confirmed).isEmpty,
            "seed \(seed): credits of transfers that are not confirmed and canonical")
        #expect(await harness.ledger.reoffered.isEmpty, "seed \(seed)")
        #expect(await harness.ledger.premature.isEmpty, "seed \(seed)")
        #expect(await harness.ledger.incidents.isEmpty, "seed \(seed)")
        // The run was adversarial: the node failed or answered inconsistently at least once.
        #expect(
            harness.counter("gp4u_watcher_rpc_errors_total") + harness.counter("gp4u_watcher_inconsistent_reads_total")
                > 0)
        #expect(await harness.ledger.cursor?.number == model.head.number + 1 - confirmations, "seed \(seed)")
    }
}

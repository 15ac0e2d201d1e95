import Brokerage
import ChainWatcher
import Ethereum
import Testing

/// A ``DepositLedger`` in memory that checks the watcher's promises as it goes: credits
/// only of canonical deposits with enough confirmations (asked of the scripted chain at
/// the moment of the call), each key credited once and never offered again once
/// committed, and a cursor that never moves down.
actor InMemoryDepositLedger: DepositLedger {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "injected store outage" }
    }

    let chainID: Int
    let confirmations: UInt64
    let chain: ScriptedChain
    private(set) var cursor: BlockRef?
    private(set) var credited: [Deposit] = []
    private(set) var pending: [PendingDeposit] = []
    private(set) var incidents: [ReorgIncident] = []
    private(set) var unresolved: ReorgIncident?
    /// Committed keys offered again (a watcher bug unless an acknowledgement was lost).
    private(set) var reoffered: [DepositKey] = []
    /// Deposits offered before their depth or from a non-canonical block.
    private(set) var premature: [Deposit] = []
    /// Calls that fail before committing, counted down.
    var failures = 0
    /// Chance that a credit call fails before committing.
    var failureRate = 0.0
    /// Calls that commit and then fail, as if the acknowledgement were lost, counted down.
    var lostAcknowledgements = 0
    private var rng: SplitMix64

    init(chainID: Int, confirmations: UInt64, chain: ScriptedChain, cursor: BlockRef? = nil, seed: UInt64 = 2) {
        self.chainID = chainID
        self.confirmations = confirmations
        self.chain = chain
        self.cursor = cursor
        self.rng = SplitMix64(seed: seed)
    }

    func setFailureRate(_ rate: Double) { failureRate = rate }
    func failNext(_ count: Int) { failures = count }
    func loseAcknowledgements(_ count: Int) { lostAcknowledgements = count }
    /// What `gp4u chain resume` does to the ledger.
    func resolveIncident() { unresolved = nil }

    func loadCursor(chainID: Int) throws -> BlockRef? {
        try check(chainID)
        return cursor
    }

    func creditDeposits(_ deposits: [Deposit], advancingCursorTo next: BlockRef, chainID: Int) async throws -> [Deposit]
    {
        try check(chainID)
        if failures > 0 || rng.chance(failureRate) {
            failures = max(0, failures - 1)
            throw Unavailable()
        }
        for deposit in deposits {
            let depth = await chain.confirmations(of: deposit) ?? 0
            if depth < confirmations { premature.append(deposit) }
            if deposit.block.number > next.number {
                Issue.record("deposit \(deposit.key) above the new cursor \(next)")
            }
        }
        let known = Set(credited.map(\.key))
        reoffered += deposits.map(\.key).filter(known.contains)
        let fresh = deposits.filter { !known.contains($0.key) }
        credited += fresh
        if let cursor, next.number < cursor.number {
            Issue.record("cursor moved down from \(cursor) to \(next)")
        } else {
            cursor = next
        }
        if lostAcknowledgements > 0 {
            lostAcknowledgements -= 1
            throw Unavailable()
        }
        return fresh
    }

    func recordPending(_ pending: [PendingDeposit], head: BlockRef, chainID: Int) throws {
        try check(chainID)
        self.pending = pending
    }

    func recordIncident(_ incident: ReorgIncident) throws {
        try check(incident.chainID)
        incidents.append(incident)
        unresolved = incident
    }

    func openIncident(chainID: Int) throws -> ReorgIncident? {
        try check(chainID)
        return unresolved
    }

    private func check(_ chainID: Int) throws {
        if chainID != self.chainID { Issue.record("ledger called for chain \(chainID), expected \(self.chainID)") }
    }
}

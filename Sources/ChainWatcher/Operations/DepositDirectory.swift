import Brokerage
import Ethereum

/// What users and operators ask about deposits, and the operator actions on them. The
/// watcher writes through ``DepositLedger``; everything else reads and acts through this.
public protocol DepositDirectory: Sendable {
    /// The user's credited deposits and the pending ones from addresses linked to them,
    /// newest first.
    func deposits(userID: String, limit: Int) async throws -> [DepositRecord]
    /// Deposits in suspense on a chain (or every chain), oldest first.
    func suspenseDeposits(chainID: Int?) async throws -> [DepositRecord]
    /// Moves a suspense deposit to `userID`'s available balance in one double-entry
    /// movement, recording which operator did it. Throws ``DepositAssignmentError``.
    func assignDeposit(_ key: DepositKey, toUser userID: String, operator: String, at: Int64) async throws
        -> DepositRecord
    /// Marks the chain's open incidents resolved by `operator`; the halted watcher then
    /// re-anchors and continues. Returns how many were open.
    func resolveIncidents(chainID: Int, operator: String, at: Int64) async throws -> Int
    /// What deposits on a chain came to, for reconciliation: the credited ones (those in
    /// suspense or assigned since included) and those still short of their confirmations.
    func depositTotals(chainID: Int) async throws -> (credited: USDC, pending: USDC)
    /// Durable per-chain facts for `gp4u chain status`: cursor, pending, last credit,
    /// open incident.
    func chainSummary(chainID: Int) async throws -> ChainSummary
}

/// The stored side of a chain's status (the live side, head and endpoints, comes from
/// the node).
public struct ChainSummary: Sendable, Hashable {
    public var chainID: Int
    public var cursor: BlockRef?
    public var pendingCount: Int
    public var creditedCount: Int
    public var suspenseCount: Int
    public var lastCreditAt: Int64?
    public var openIncident: ReorgIncident?

    public init(
        chainID: Int, cursor: BlockRef?, pendingCount: Int, creditedCount: Int, suspenseCount: Int,
        lastCreditAt: Int64?,
        openIncident: ReorgIncident?
    ) {
        self.chainID = chainID
        self.cursor = cursor
        self.pendingCount = pendingCount
        self.creditedCount = creditedCount
        self.suspenseCount = suspenseCount
        self.lastCreditAt = lastCreditAt
        self.openIncident = openIncident
    }
}

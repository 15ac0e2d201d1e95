import Brokerage
import Ethereum

/// The watcher's storage, in domain terms. The live implementation is the SQL store
/// (SQLite and PostgreSQL); tests use an in-memory ledger that checks exactly-once.
public protocol DepositLedger: Sendable {
    /// The stored cursor of a chain, nil before the watcher ever ran on it.
    func loadCursor(chainID: Int) async throws -> BlockRef?

    /// Credits the deposits and moves the chain's cursor to `cursor`, in one database
    /// transaction: either both happen or neither does.
    ///
    /// Idempotent on each deposit's key `(chain_id, tx_hash, log_index)`: a deposit
    /// already credited is skipped, so replaying a call whose acknowledgement was lost is
    /// harmless. The cursor never moves down (a replayed lower cursor leaves it alone);
    /// at the stored height the hash is replaced, which is how a resume re-anchors.
    ///
    /// - Returns: the deposits that were newly credited by this call.
    func creditDeposits(_ deposits: [Deposit], advancingCursorTo cursor: BlockRef, chainID: Int) async throws
        -> [Deposit]

    /// Replaces the chain's pending deposits with these, as seen at `head`.
    func recordPending(_ pending: [PendingDeposit], head: BlockRef, chainID: Int) async throws

    /// Stores an incident as open; crediting on its chain stays stopped until an
    /// operator resolves it.
    func recordIncident(_ incident: ReorgIncident) async throws

    /// The chain's unresolved incident, if any. The watcher resumes when it disappears.
    func openIncident(chainID: Int) async throws -> ReorgIncident?
}

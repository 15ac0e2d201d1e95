import Ethereum

/// Withdrawals and their money. Each change is one database transaction in which the
/// store reads the facts, asks the caller's decision (a ``WithdrawalLifecycle``
/// function) and writes what it returns, so a refusal leaves no trace.
public protocol WithdrawalStore: Sendable {
    /// A new request by `userID`: `decide` gets what the user requested in the rolling
    /// 24 hours before `now` (requests of one user are serialised, so two cannot both
    /// pass the limit). Throws `LedgerError.insufficientFunds` when the hold does not fit.
    func requestWithdrawal(
        userID: String, now: Int64, _ decide: @Sendable (_ requestedToday: USDC) throws -> WithdrawalDecision
    ) async throws -> Withdrawal

    /// Changes withdrawal `id` (locked while `decide` runs). Throws
    /// ``WithdrawalRefusal/notFound`` when there is none.
    func changeWithdrawal(id: String, _ decide: @Sendable (Withdrawal) throws -> WithdrawalDecision) async throws
        -> Withdrawal

    /// Reserves the hot wallet's next nonce on the withdrawal's chain, signs with it and
    /// stores the signed transaction, in one transaction: a crash leaves either nothing
    /// or a stored transaction holding the nonce, never a nonce without one.
    func signWithdrawal(
        id: String, hotWallet: Address, _ sign: @Sendable (_ nonce: UInt64) throws -> WithdrawalAttempt,
        _ decide: @Sendable (Withdrawal, WithdrawalAttempt, UInt64) throws -> WithdrawalDecision
    ) async throws -> Withdrawal

    /// Brings the stored next nonce of `hotWallet` up to `chainNonce` (the node's pending
    /// count) and returns it. Our own record wins when it is ahead: those transactions
    /// are stored and will be re-broadcast.
    func reconcileNonce(chainID: Int, hotWallet: Address, chainNonce: UInt64) async throws -> UInt64

    func withdrawal(id: String) async throws -> Withdrawal?
    /// The user's withdrawals, newest first; `after` is the last id of the previous page.
    func withdrawals(userID: String, after: String?, limit: Int) async throws -> [Withdrawal]
    /// For operators and the sender: by status and chain, oldest first.
    func withdrawals(statuses: Set<Withdrawal.Status>, chainID: Int?, limit: Int) async throws -> [Withdrawal]
    /// Everything done to a withdrawal, in order.
    func auditTrail(withdrawalID: String) async throws -> [WithdrawalAuditEntry]
    /// How many withdrawals are in each status (on one chain, or all), for `/metrics`.
    func withdrawalCounts(chainID: Int?) async throws -> [Withdrawal.Status: Int]
    /// What settled withdrawals took out of the ledger on a chain, and what is held for
    /// those in flight (for reconciliation).
    func withdrawalTotals(chainID: Int) async throws -> (settled: USDC, inFlight: USDC)
}

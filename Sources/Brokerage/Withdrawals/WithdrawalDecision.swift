/// What a withdrawal operation decided: the withdrawal as it is to be stored, the ledger
/// movements, and the audit entries. The store writes all of it in one transaction.
public struct WithdrawalDecision: Sendable, Hashable {
    public var withdrawal: Withdrawal
    /// In posting order.
    public var movements: [LedgerTransaction]
    /// Appended to the withdrawal's audit trail.
    public var audit: [WithdrawalAuditEntry]

    public init(withdrawal: Withdrawal, movements: [LedgerTransaction] = [], audit: [WithdrawalAuditEntry] = []) {
        self.withdrawal = withdrawal
        self.movements = movements
        self.audit = audit
    }
}

/// One line of a withdrawal's append-only audit trail: who did what, and when.
public struct WithdrawalAuditEntry: Sendable, Hashable {
    public var withdrawalID: String
    /// `requested`, `cancelled`, `approved`, `approval_voided`, `awaiting_approvals`, `rejected`, `signed`,
    /// `broadcast`, `replaced`, `confirmed`, `failed`, `flagged`.
    public var action: String
    /// The user, the operator, or `sender` for the service.
    public var actor: String
    public var detail: String
    public var at: Int64

    public init(withdrawalID: String, action: String, actor: String, detail: String = "", at: Int64) {
        self.withdrawalID = withdrawalID
        self.action = action
        self.actor = actor
        self.detail = detail
        self.at = at
    }
}

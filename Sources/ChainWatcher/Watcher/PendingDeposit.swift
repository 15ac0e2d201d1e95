import Brokerage

/// A deposit seen on the canonical chain but not yet deep enough to credit; users see
/// it as "k of N confirmations". Pending deposits are recomputed every poll, so a reorg
/// inside the unconfirmed window simply drops or moves them.
public struct PendingDeposit: Sendable, Hashable {
    /// The deposit as seen on the canonical chain now.
    public let deposit: Deposit
    /// Confirmations at the head of the poll that saw it (its own block counts as 1).
    public let confirmations: Int
    /// Confirmations needed before it is credited.
    public let required: Int

    public init(deposit: Deposit, confirmations: Int, required: Int) {
        self.deposit = deposit
        self.confirmations = confirmations
        self.required = required
    }
}

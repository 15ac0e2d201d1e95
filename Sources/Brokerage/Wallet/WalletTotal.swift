/// A lifetime total shown on a wallet (deposited, withdrawn, spent, earned). Stores keep
/// each account's totals up to date as movements are posted, because summing a user's
/// whole history on every balance read made the read slow down as the history grew.
public enum WalletTotal: String, Sendable, CaseIterable {
    case deposited
    case withdrawn
    case spent
    case earned

    /// What one posted movement adds to each account's totals, in micro-USDC; accounts
    /// and totals it does not touch are absent. Decided here, once, so the posting path
    /// of every store only adds the figures up.
    public static func contributions(of t: LedgerTransaction) -> [Key: Int64] {
        var out: [Key: Int64] = [:]
        for e in t.entries {
            guard let (total, amount) = contribution(kind: t.kind, account: e.account.kind, amount: e.amount.micro)
            else { continue }
            out[Key(account: e.account, total: total), default: 0] += amount
        }
        return out.filter { $0.value != 0 }
    }

    /// Deposits count on the spendable balance they land in; withdrawals and spending on
    /// the held balance they leave from (a withdrawal is held first, then sent); earnings
    /// are what an earnings account ever received.
    static func contribution(kind: LedgerTransaction.Kind, account: LedgerAccount.Kind, amount: Int64)
        -> (WalletTotal, Int64)?
    {
        switch (kind, account) {
        case (.deposit, .available), (.simulatedDeposit, .available): (.deposited, amount)
        case (.withdrawal, .held) where amount < 0, (.simulatedWithdrawal, .held) where amount < 0:
            (.withdrawn, -amount)
        case (.reservationCapture, .held), (.clusterCharge, .held): (.spent, -amount)
        case (_, .earnings) where amount > 0: (.earned, amount)
        default: nil
        }
    }

    public struct Key: Sendable, Hashable {
        public let account: LedgerAccount
        public let total: WalletTotal
    }
}

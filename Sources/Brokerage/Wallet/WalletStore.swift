import Ethereum

/// A user's view of the ledger.
public protocol WalletStore: Sendable {
    func summary(userID: String) async throws -> WalletSummary
    /// Entries of the user's accounts, newest first; `after` is the last entry id seen.
    func history(userID: String, kind: LedgerTransaction.Kind?, after: Int64?, limit: Int) async throws -> [WalletEntry]
    /// Entries of the user's earnings account only (a provider's payouts), newest first.
    func earningsHistory(userID: String, limit: Int) async throws -> [WalletEntry]
    /// Money spent (captured from holds) per UTC day and per kind since `since`.
    func spending(userID: String, since: Int64) async throws -> [SpendingBucket]
}

public struct WalletSummary: Sendable, Hashable {
    public var available: USDC
    public var held: USDC
    public var earnings: USDC
    public var totalDeposited: USDC
    public var totalWithdrawn: USDC
    public var totalSpent: USDC
    public var totalEarned: USDC

    public init(
        available: USDC, held: USDC, earnings: USDC, totalDeposited: USDC, totalWithdrawn: USDC, totalSpent: USDC,
        totalEarned: USDC
    ) {
        self.available = available
        self.held = held
        self.earnings = earnings
        self.totalDeposited = totalDeposited
        self.totalWithdrawn = totalWithdrawn
        self.totalSpent = totalSpent
        self.totalEarned = totalEarned
    }
}

/// One ledger entry on one of the user's accounts, with the balance it left.
public struct WalletEntry: Sendable, Hashable {
    public var id: Int64
    public var transactionID: String
    public var kind: LedgerTransaction.Kind
    public var account: LedgerAccount.Kind
    public var amount: USDC
    public var balanceAfter: USDC
    public var references: [String: String]
    public var createdAt: Int64

    public init(
        id: Int64, transactionID: String, kind: LedgerTransaction.Kind, account: LedgerAccount.Kind, amount: USDC,
        balanceAfter: USDC, references: [String: String], createdAt: Int64
    ) {
        self.id = id
        self.transactionID = transactionID
        self.kind = kind
        self.account = account
        self.amount = amount
        self.balanceAfter = balanceAfter
        self.references = references
        self.createdAt = createdAt
    }
}

public struct SpendingBucket: Sendable, Hashable {
    /// Midnight UTC of the day, seconds since 1970.
    public var day: Int64
    public var kind: LedgerTransaction.Kind
    public var amount: USDC

    public init(day: Int64, kind: LedgerTransaction.Kind, amount: USDC) {
        self.day = day
        self.kind = kind
        self.amount = amount
    }
}

import Ethereum

/// Persistence of the double-entry ledger. `post` is all-or-nothing: either every entry
/// and the derived balances are written in one database transaction, or nothing is.
public protocol LedgerStore: Sendable {
    /// Throws `LedgerError.insufficientFunds` if any non-external account would go
    /// negative, `LedgerError.duplicate` if the id was posted before.
    func post(_ transaction: LedgerTransaction) async throws
    func balance(of account: LedgerAccount) async throws -> USDC
    /// Sum of every entry ever posted; zero unless the ledger is broken.
    func entriesTotal() async throws -> USDC
    /// Accounts whose maintained balance differs from the sum of their entries.
    func accountsOutOfBalance() async throws -> [LedgerAccount]
}

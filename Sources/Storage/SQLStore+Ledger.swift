import Brokerage
import Ethereum
import Foundation

extension SQLStore: LedgerStore {
    public func post(_ transaction: LedgerTransaction) async throws {
        try await db.transaction { tx in try await Self.post(transaction, in: tx) }
    }

    /// Posts inside a caller's database transaction, so a domain change (a booking, a
    /// credited deposit) and its money movement commit together or not at all.
    public static func post(_ t: LedgerTransaction, in tx: any SQLExecutor) async throws {
        if try await tx.first("SELECT id FROM ledger_transactions WHERE id = $1", [.text(t.id)]) != nil {
            throw LedgerError.duplicate(id: t.id)
        }
        // Net change per account, applied in key order so concurrent postings lock rows
        // in the same order (no deadlocks on PostgreSQL).
        var net: [LedgerAccount: Int64] = [:]
        for e in t.entries { net[e.account, default: 0] += e.amount.micro }
        var before: [LedgerAccount: Int64] = [:]
        for (account, change) in net.sorted(by: { $0.key.key < $1.key.key }) {
            try await tx.query(
                "INSERT INTO ledger_accounts (id, kind, owner, balance) VALUES ($1, $2, $3, 0) ON CONFLICT (id) DO NOTHING",
                [.text(account.key), .text(account.kind.rawValue), .text(account.owner)])
            do {
                let row = try await tx.first(
                    "UPDATE ledger_accounts SET balance = balance + $1 WHERE id = $2 RETURNING balance",
                    [.int(change), .text(account.key)])
                before[account] = try (row?.int("balance") ?? 0) - change
            } catch let e as StorageError where e.isGuard("ledger_balance_non_negative") {
                throw LedgerError.insufficientFunds(account: account.key)
            }
        }
        for e in t.entries {
            let after = before[e.account, default: 0] + e.amount.micro
            before[e.account] = after
            try await tx.query(
                "INSERT INTO ledger_entries (tx_id, account_id, amount, balance_after, created_at) VALUES ($1, $2, $3, $4, $5)",
                [.text(t.id), .text(e.account.key), .int(e.amount.micro), .int(after), .int(t.createdAt)])
        }
        let refs = String(decoding: try JSONEncoder.sorted.encode(t.references), as: UTF8.self)
        try await tx.query(
            "INSERT INTO ledger_transactions (id, kind, refs, created_at) VALUES ($1, $2, $3, $4)",
            [.text(t.id), .text(t.kind.rawValue), .text(refs), .int(t.createdAt)])
    }

    public func balance(of account: LedgerAccount) async throws -> USDC {
        let row = try await db.first("SELECT balance FROM ledger_accounts WHERE id = $1", [.text(account.key)])
        return USDC(micro: try row?.int("balance") ?? 0)
    }

    public func entriesTotal() async throws -> USDC {
        let row = try await db.first("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM ledger_entries")
        return USDC(micro: try row?.int("total") ?? 0)
    }

    public func accountsOutOfBalance() async throws -> [LedgerAccount] {
        try await db.query(
            """
            SELECT a.id FROM ledger_accounts a
            LEFT JOIN (SELECT account_id, CAST(SUM(amount) AS BIGINT) AS total FROM ledger_entries GROUP BY account_id) e
              ON e.account_id = a.id
            WHERE a.balance <> COALESCE(e.total, 0)
            """
        ).compactMap { LedgerAccount(key: try $0.string("id")) }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return e
    }
}

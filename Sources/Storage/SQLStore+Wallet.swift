import Brokerage
import Ethereum
import Foundation
import JSON

extension SQLStore: WalletStore {
    /// Balances and lifetime totals are both kept on posting, so this reads six rows at
    /// most whatever the user's history.
    public func summary(userID: String) async throws -> WalletSummary {
        let accounts = [LedgerAccount.available(user: userID), .held(user: userID), .earnings(user: userID)]
        let rows = try await db.query(
            """
            SELECT id AS account_id, 'balance' AS total, balance AS amount FROM ledger_accounts WHERE id IN ($1, $2, $3)
            UNION ALL
            SELECT account_id, total, amount FROM ledger_totals WHERE account_id IN ($1, $2, $3)
            """, accounts.map { .text($0.key) })
        var figures: [String: Int64] = [:]
        for row in rows {
            figures["\(try row.string("account_id")) \(try row.string("total"))"] = try row.int("amount")
        }
        func figure(_ account: LedgerAccount, _ name: String) -> USDC {
            USDC(micro: figures["\(account.key) \(name)"] ?? 0)
        }
        let (available, held, earnings) = (accounts[0], accounts[1], accounts[2])
        return WalletSummary(
            available: figure(available, "balance"), held: figure(held, "balance"),
            earnings: figure(earnings, "balance"),
            totalDeposited: figure(available, WalletTotal.deposited.rawValue),
            totalWithdrawn: figure(held, WalletTotal.withdrawn.rawValue),
            totalSpent: figure(held, WalletTotal.spent.rawValue),
            totalEarned: figure(earnings, WalletTotal.earned.rawValue))
    }

    public func history(userID: String, kind: LedgerTransaction.Kind?, after: Int64?, limit: Int) async throws
        -> [WalletEntry]
    {
        try await entries(
            of: [.available(user: userID), .held(user: userID), .earnings(user: userID)], kind: kind, after: after,
            limit: limit)
    }

    public func earningsHistory(userID: String, limit: Int) async throws -> [WalletEntry] {
        try await entries(of: [.earnings(user: userID)], kind: nil, after: nil, limit: limit)
    }

    /// Entries of `accounts`, newest first. Each account's newest entries are read on its
    /// own `(account_id, id)` index and the pages merged: one query over all the accounts
    /// with `IN` sorted every entry they ever had, so a page cost grew with the history.
    private func entries(of accounts: [LedgerAccount], kind: LedgerTransaction.Kind?, after: Int64?, limit: Int)
        async throws -> [WalletEntry]
    {
        let n = accounts.count
        let pages = (1...n).map { i in
            """
            SELECT * FROM (SELECT e.id, e.tx_id, e.account_id, e.amount, e.balance_after, e.created_at, t.kind, t.refs
              FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.tx_id
              WHERE e.account_id = $\(i) AND ($\(n + 1) = '' OR t.kind = $\(n + 1)) AND e.id < $\(n + 2)
              ORDER BY e.id DESC LIMIT $\(n + 3)) AS page\(i)
            """
        }
        return try await db.query(
            pages.joined(separator: "\nUNION ALL\n") + "\nORDER BY id DESC LIMIT $\(n + 3)",
            accounts.map { SQLValue.text($0.key) } + [
                .text(kind?.rawValue ?? ""), .int(after ?? Int64.max), .int(Int64(limit)),
            ]
        ).map { row in
            guard let kind = LedgerTransaction.Kind(rawValue: try row.string("kind")),
                let account = LedgerAccount(key: try row.string("account_id"))
            else { throw StorageError.decoding(column: "kind") }
            let refs =
                Self.references(try row.string("refs"))
            return WalletEntry(
                id: try row.int("id"), transactionID: try row.string("tx_id"), kind: kind, account: account.kind,
                amount: USDC(micro: try row.int("amount")), balanceAfter: USDC(micro: try row.int("balance_after")),
                references: refs, createdAt: try row.int("created_at"))
        }
    }

    public func spending(userID: String, since: Int64) async throws -> [SpendingBucket] {
        try await db.query(
            """
            SELECT e.created_at - (e.created_at % 86400) AS day, t.kind, CAST(SUM(-e.amount) AS BIGINT) AS spent
            FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.tx_id
            WHERE e.account_id = $1 AND t.kind IN ('reservation_capture', 'cluster_charge') AND e.created_at >= $2
            GROUP BY e.created_at - (e.created_at % 86400), t.kind ORDER BY day, t.kind
            """, [.text(LedgerAccount.held(user: userID).key), .int(since)]
        ).compactMap { row in
            guard let kind = LedgerTransaction.Kind(rawValue: try row.string("kind")) else { return nil }
            return SpendingBucket(day: try row.int("day"), kind: kind, amount: USDC(micro: try row.int("spent")))
        }
    }

    /// A movement's references (`{"reservation": "..."}`), read with the JSON module's
    /// reader: Foundation's decoder was a twentieth of the server's CPU under the mixed
    /// load, most of it setting itself up for each row of a history page.
    static func references(_ text: String) -> [String: String] {
        guard case .object(let fields)? = try? JSONValue(parsing: text.utf8) else { return [:] }
        return fields.compactMapValues { if case .string(let s) = $0 { s } else { nil } }
    }
}

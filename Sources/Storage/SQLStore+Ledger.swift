import Brokerage
import Ethereum
import Foundation

extension SQLStore: LedgerStore {
    public func post(_ transaction: LedgerTransaction) async throws {
        try await db.transaction { tx in try await Self.post(transaction, in: tx) }
    }

    /// Posts inside a caller's database transaction, so a domain change (a booking, a
    /// credited deposit) and its money movement commit together or not at all.
    ///
    /// One function call on PostgreSQL (`ledger_post`, see `Schema.ledgerPost`) and three
    /// statements on SQLite whatever the number of entries, because postings sit on hot
    /// paths (bookings, crediting): an update applies every account's net change (and
    /// finds a duplicate id without raising, so the caller's transaction stays usable), an
    /// insert writes the entries, and the transaction row seals them. New accounts cost
    /// two more statements on SQLite.
    public static func post(_ t: LedgerTransaction, in tx: any SQLExecutor) async throws {
        if tx.dialect == .postgres { return try await postByFunction(t, in: tx) }
        let changes = netChanges(t)
        let net = Dictionary(uniqueKeysWithValues: changes.map { ($0.key, $0.value) })
        var updated: [SQLRow]
        do {
            updated = try await apply(changes, of: t.id, in: tx)
            if updated.count < changes.count {
                // A posted id, or accounts that do not exist yet (created at zero, then changed).
                if try await tx.first("SELECT id FROM ledger_transactions WHERE id = $1", [.text(t.id)]) != nil {
                    throw LedgerError.duplicate(id: t.id)
                }
                let found = Set(try updated.map { try $0.string("id") })
                let missing = changes.filter { !found.contains($0.key.key) }
                var binds: [SQLValue] = []
                let rows = missing.map { account, _ in
                    binds += [.text(account.key), .text(account.kind.rawValue), .text(account.owner)]
                    return "($\(binds.count - 2), $\(binds.count - 1), $\(binds.count), 0)"
                }
                try await tx.query(
                    "INSERT INTO ledger_accounts (id, kind, owner, balance) VALUES \(rows.joined(separator: ", ")) ON CONFLICT (id) DO NOTHING",
                    binds)
                updated += try await apply(missing, of: t.id, in: tx)
            }
        } catch let e as StorageError where e.isGuard("ledger_balance_non_negative") {
            throw insufficientFunds(changes)
        }
        guard updated.count == changes.count else { throw LedgerError.duplicate(id: t.id) }
        var before: [LedgerAccount: Int64] = [:]
        for row in updated {
            let key = try row.string("id")
            guard let account = LedgerAccount(key: key) else { throw StorageError.decoding(column: "id") }
            before[account] = try row.int("balance") - net[account, default: 0]
        }
        var entryBinds: [SQLValue] = [.text(t.id), .int(t.createdAt)]
        var entryRows: [String] = []
        for e in t.entries {
            let after = before[e.account, default: 0] + e.amount.micro
            before[e.account] = after
            entryBinds += [.text(e.account.key), .int(e.amount.micro), .int(after)]
            let n = entryBinds.count
            entryRows.append("($1, $\(n - 2), $\(n - 1), $\(n), $2)")
        }
        try await tx.query(
            "INSERT INTO ledger_entries (tx_id, account_id, amount, balance_after, created_at) VALUES \(entryRows.joined(separator: ", "))",
            entryBinds)
        try await tx.query(
            "INSERT INTO ledger_transactions (id, kind, refs, created_at) VALUES ($1, $2, $3, $4)",
            [.text(t.id), .text(t.kind.rawValue), .text(try references(t)), .int(t.createdAt)])
    }

    /// Runs `sql` (one INSERT or UPDATE that writes a row) and then posts `t` in the
    /// caller's transaction. On PostgreSQL both go as one statement: a round trip less on
    /// hot paths such as booking, and the posting still only happens once the write has
    /// succeeded.
    public static func write(_ sql: String, _ binds: [SQLValue], thenPost t: LedgerTransaction, in tx: any SQLExecutor) async throws {
        guard tx.dialect == .postgres else {
            try await tx.query(sql, binds)
            return try await post(t, in: tx)
        }
        try await postByFunction(t, after: (sql, binds), in: tx)
    }

    private static func postByFunction(_ t: LedgerTransaction, after write: (sql: String, binds: [SQLValue])? = nil, in tx: any SQLExecutor) async throws {
        struct Entry: Encodable { let account, kind, owner: String, amount: Int64, n: Int }
        let entries = t.entries.enumerated().map {
            Entry(account: $1.account.key, kind: $1.account.kind.rawValue, owner: $1.account.owner, amount: $1.amount.micro, n: $0)
        }
        var binds = write?.binds ?? []
        let n = binds.count
        binds += [
            .text(t.id), .text(t.kind.rawValue), .text(try references(t)), .int(t.createdAt),
            .text(String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)),
        ]
        let call = "ledger_post($\(n + 1), $\(n + 2), $\(n + 3), $\(n + 4), CAST($\(n + 5) AS JSONB)) AS posted"
        let posted: Bool
        do {
            let sql = write.map { "WITH w AS (\($0.sql) RETURNING 1) SELECT \(call) FROM w" } ?? "SELECT \(call)"
            posted = try await tx.first(sql, binds)?.bool("posted") ?? false
        } catch let e as StorageError where e.isGuard("ledger_balance_non_negative") {
            throw insufficientFunds(netChanges(t))
        }
        guard posted else { throw LedgerError.duplicate(id: t.id) }
    }

    /// Net change per account, in key order.
    private static func netChanges(_ t: LedgerTransaction) -> [(key: LedgerAccount, value: Int64)] {
        var net: [LedgerAccount: Int64] = [:]
        for e in t.entries { net[e.account, default: 0] += e.amount.micro }
        return net.sorted { $0.key.key < $1.key.key }
    }

    /// The CHECK names no row: report the first debited account that may not go negative
    /// (in practice the one payer of the posting).
    private static func insufficientFunds(_ changes: [(key: LedgerAccount, value: Int64)]) -> LedgerError {
        .insufficientFunds(account: changes.first { $0.value < 0 && $0.key.kind != .external }?.key.key ?? "unknown")
    }

    private static func references(_ t: LedgerTransaction) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(t.references), as: UTF8.self)
    }

    /// Adds each change to its account unless `txID` is already posted, and returns the
    /// accounts' new balances (SQLite, whose single writer needs no lock order).
    private static func apply(_ changes: [(key: LedgerAccount, value: Int64)], of txID: String, in tx: any SQLExecutor) async throws -> [SQLRow] {
        var binds: [SQLValue] = [.text(txID)]
        var ids: [String] = [], cases: [String] = []
        for (account, change) in changes {
            binds += [.text(account.key), .int(change)]
            ids.append("$\(binds.count - 1)")
            cases.append("WHEN $\(binds.count - 1) THEN $\(binds.count)")
        }
        return try await tx.query(
            """
            UPDATE ledger_accounts SET balance = balance + CASE id \(cases.joined(separator: " ")) END
            WHERE id IN (\(ids.joined(separator: ", "))) AND NOT EXISTS (SELECT 1 FROM ledger_transactions WHERE id = $1)
            RETURNING id, balance
            """, binds)
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

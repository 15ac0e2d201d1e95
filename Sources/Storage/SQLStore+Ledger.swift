import Brokerage
import Ethereum
import Foundation
import JSON

extension SQLStore: LedgerStore {
    public func post(_ transaction: LedgerTransaction) async throws {
        try await db.transaction { tx in try await Self.post(transaction, in: tx) }
    }

    /// Posts inside a caller's database transaction, so a domain change (a booking, a
    /// credited deposit) and its money movement commit together or not at all.
    public static func post(_ t: LedgerTransaction, in tx: any SQLExecutor) async throws {
        try await post([t], in: tx)
    }

    /// Posts several movements at once, all or none (`LedgerError.duplicate` if any id is
    /// already posted). A fixed number of statements whatever their count, because
    /// postings sit on hot paths (bookings, a backfill crediting a thousand deposits per
    /// chunk): one call to `ledger_post` per movement in one statement on PostgreSQL (see
    /// `Schema.ledgerPost`); on SQLite one update applies every account's net change (and
    /// finds a duplicate id without raising, so the caller's transaction stays usable),
    /// one insert writes the entries with their running balances, and the transaction
    /// rows seal them, and one upsert adds to the accounts' `WalletTotal`s. New accounts
    /// cost two more statements on SQLite.
    public static func post(_ ts: [LedgerTransaction], in tx: any SQLExecutor) async throws {
        guard !ts.isEmpty else { return }
        if let repeated = Dictionary(grouping: ts, by: \.id).first(where: { $0.value.count > 1 }) {
            throw LedgerError.duplicate(id: repeated.key)
        }
        if tx.dialect == .postgres {
            try await postByFunction(ts, in: tx)
            return
        }
        let changes = netChanges(ts)
        let ids = ts.map(\.id)
        var updated: [SQLRow]
        do {
            updated = try await apply(changes, unlessPosted: ids, in: tx)
            if updated.count < changes.count {
                // A posted id, or accounts that do not exist yet (created at zero, then changed).
                if let posted = try await tx.first(
                    "SELECT id FROM ledger_transactions WHERE id IN \(placeholders(ids.count))", ids.map { .text($0) })
                {
                    throw LedgerError.duplicate(id: try posted.string("id"))
                }
                let found = Set(try updated.map { try $0.string("id") })
                let missing = changes.filter { !found.contains($0.key.key) }
                try await insertRows(
                    "INSERT INTO ledger_accounts (id, kind, owner, balance) VALUES",
                    missing.map { [.text($0.key.key), .text($0.key.kind.rawValue), .text($0.key.owner), .int(0)] },
                    "ON CONFLICT (id) DO NOTHING", in: tx)
                updated += try await apply(missing, unlessPosted: ids, in: tx)
            }
        } catch let e as StorageError where e.isGuard("ledger_balance_non_negative") {
            throw insufficientFunds(changes)
        }
        guard updated.count == changes.count else { throw LedgerError.duplicate(id: ids[0]) }
        var balance: [String: Int64] = [:]
        for row in updated { balance[try row.string("id")] = try row.int("balance") }
        for (account, change) in changes { balance[account.key, default: 0] -= change }
        var entries: [[SQLValue]] = []
        for t in ts {
            for e in t.entries {
                balance[e.account.key, default: 0] += e.amount.micro
                entries.append([
                    .text(t.id), .text(e.account.key), .int(e.amount.micro), .int(balance[e.account.key]!),
                    .int(t.createdAt),
                ])
            }
        }
        try await insertRows(
            "INSERT INTO ledger_entries (tx_id, account_id, amount, balance_after, created_at) VALUES", entries, in: tx)
        try await insertRows(
            "INSERT INTO ledger_transactions (id, kind, refs, created_at) VALUES",
            ts.map { [.text($0.id), .text($0.kind.rawValue), .text(references($0)), .int($0.createdAt)] }, in: tx)
        var totals: [WalletTotal.Key: Int64] = [:]
        for t in ts { totals.merge(WalletTotal.contributions(of: t), uniquingKeysWith: +) }
        guard !totals.isEmpty else { return }
        try await insertRows(
            "INSERT INTO ledger_totals (account_id, total, amount) VALUES",
            totals.map { [.text($0.key.account.key), .text($0.key.total.rawValue), .int($0.value)] },
            "ON CONFLICT (account_id, total) DO UPDATE SET amount = ledger_totals.amount + excluded.amount", in: tx)
    }

    /// Runs `sql` (one INSERT or UPDATE) and then posts `t`; returns false, posting
    /// nothing, when `sql` wrote no row, so a conditional write (`INSERT ... SELECT ...
    /// WHERE`) can report that its condition no longer held. On PostgreSQL both go as one
    /// statement: a round trip less on hot paths such as booking, atomic even outside a
    /// transaction, and the posting only happens once the write has succeeded. On SQLite
    /// they are two statements and need the caller's transaction.
    @discardableResult
    public static func write(_ sql: String, _ binds: [SQLValue], thenPost t: LedgerTransaction, in tx: any SQLExecutor)
        async throws -> Bool
    {
        guard tx.dialect == .postgres else {
            guard try await wroteRow(sql, binds, in: tx) else { return false }
            try await post(t, in: tx)
            return true
        }
        return try await postByFunction([t], after: (sql, binds), in: tx)
    }

    /// False only when `write` is given and wrote no row.
    @discardableResult
    private static func postByFunction(
        _ ts: [LedgerTransaction], after write: (sql: String, binds: [SQLValue])? = nil, in tx: any SQLExecutor
    ) async throws -> Bool {
        // Amounts travel as strings (exact whatever their size) and are read as BIGINT.
        let movements = JSONValue.array(
            ts.enumerated().map { n, t in
                .object([
                    "id": .string(t.id), "kind": .string(t.kind.rawValue), "refs": .string(references(t)),
                    "created": .string(String(t.createdAt)), "n": .number(Double(n)),
                    "entries": .array(
                        t.entries.enumerated().map { i, e in
                            .object([
                                "account": .string(e.account.key), "kind": .string(e.account.kind.rawValue),
                                "owner": .string(e.account.owner),
                                "amount": .string(String(e.amount.micro)), "n": .number(Double(i)),
                            ])
                        }),
                    "totals": .array(
                        WalletTotal.contributions(of: t).map { key, amount in
                            .object([
                                "account": .string(key.account.key), "total": .string(key.total.rawValue),
                                "amount": .string(String(amount)),
                            ])
                        }),
                ])
            })
        var binds = write?.binds ?? []
        binds.append(.text(movements.jsonText))
        let call = "SELECT ledger_post(CAST($\(binds.count) AS JSONB)) AS posted"
        let row: SQLRow?
        do {
            row = try await tx.first(write.map { "WITH w AS (\($0.sql) RETURNING 1) \(call) FROM w" } ?? call, binds)
        } catch let e as StorageError where e.isGuard("ledger_balance_non_negative") {
            throw insufficientFunds(netChanges(ts))
        }
        guard let row else { return false }
        guard try row.bool("posted") else {
            throw LedgerError.duplicate(id: ts.count == 1 ? ts[0].id : "one of \(ts.count) movements")
        }
        return true
    }

    /// Net change per account over all `ts`, in key order.
    private static func netChanges(_ ts: [LedgerTransaction]) -> [(key: LedgerAccount, value: Int64)] {
        var net: [LedgerAccount: Int64] = [:]
        for t in ts {
            for e in t.entries { net[e.account, default: 0] += e.amount.micro }
        }
        return net.sorted { $0.key.key < $1.key.key }
    }

    /// The CHECK names no row: report the first debited account that may not go negative
    /// (in practice the one payer of the posting).
    private static func insufficientFunds(_ changes: [(key: LedgerAccount, value: Int64)]) -> LedgerError {
        .insufficientFunds(account: changes.first { $0.value < 0 && $0.key.kind != .external }?.key.key ?? "unknown")
    }

    private static func references(_ t: LedgerTransaction) -> String {
        JSONValue.object(t.references.mapValues { .string($0) }).jsonText
    }

    /// Adds each change to its account unless one of `txIDs` is already posted, and
    /// returns the accounts' new balances (SQLite, whose single writer needs no lock order).
    /// The changes join as a VALUES list, each placeholder used once: a `CASE id WHEN ...`
    /// over the accounts compared every row with every account, and referring to its
    /// placeholders twice made SQLite look each up in a list while compiling, both
    /// growing with the square of a backfill chunk's accounts.
    private static func apply(
        _ changes: [(key: LedgerAccount, value: Int64)], unlessPosted txIDs: [String], in tx: any SQLExecutor
    ) async throws -> [SQLRow] {
        var binds: [SQLValue] = []
        for (account, change) in changes { binds += [.text(account.key), .int(change)] }
        binds += txIDs.map { .text($0) }
        return try await tx.query(
            """
            UPDATE ledger_accounts SET balance = balance + c.column2
            FROM (VALUES \(valuesList(Array(repeating: 2, count: changes.count)))) AS c
            WHERE ledger_accounts.id = c.column1
              AND NOT EXISTS (SELECT 1 FROM ledger_transactions WHERE id IN \(placeholders(txIDs.count, from: 2 * changes.count + 1)))
            RETURNING ledger_accounts.id AS id, ledger_accounts.balance AS balance
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

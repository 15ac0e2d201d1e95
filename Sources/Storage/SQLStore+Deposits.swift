import Brokerage
import ChainWatcher
import Ethereum
import Foundation

extension SQLStore: DepositLedger {
    public func loadCursor(chainID: Int) async throws -> BlockRef? {
        guard
            let row = try await db.first(
                "SELECT block_number, block_hash FROM chain_cursors WHERE chain_id = $1", [.int(Int64(chainID))])
        else { return nil }
        return try Self.blockRef(number: row.int("block_number"), hash: row.string("block_hash"))
    }

    /// One chunk in one database transaction and a fixed number of statements, however
    /// many deposits it holds (a backfill brings about a thousand per chunk): the senders'
    /// links, the deposit rows (a key already there is skipped), their ledger movements,
    /// and the cursor.
    public func creditDeposits(_ deposits: [Deposit], advancingCursorTo cursor: BlockRef, chainID: Int) async throws
        -> [Deposit]
    {
        if let stray = deposits.first(where: { $0.key.chainID != chainID }) {
            throw StorageError.other(detail: "deposit \(stray.key) is not on chain \(chainID)")
        }
        let now = Int64(Date().timeIntervalSince1970)
        return try await db.transaction { tx in
            // Serialises crediting per chain (a standby replica that wakes up late waits here).
            let lock = tx.dialect == .postgres ? " FOR UPDATE" : ""
            let stored = try await tx.first(
                "SELECT block_number FROM chain_cursors WHERE chain_id = $1" + lock, [.int(Int64(chainID))])
            // Each deposit's ledger id and sender in hex, made once: a backfill credits 100,000.
            let rows = deposits.map { (deposit: $0, id: Self.ledgerID($0), from: $0.from.lowercased) }
            let owners = try await Self.linkedOwners(of: Set(rows.map(\.from)), in: tx)
            let inserted = try await Self.insertRows(
                """
                INSERT INTO chain_deposits (chain_id, tx_hash, log_index, block_number, block_hash, from_address, amount, status,
                    user_id, ledger_tx_id, credited_at) VALUES
                """,
                rows.map { r in
                    let (d, owner) = (r.deposit, owners[r.from])
                    return [
                        .int(Int64(d.key.chainID)), .text(d.key.transactionHash.description),
                        .int(Int64(d.key.logIndex)),
                        .int(Int64(d.block.number)), .text(d.block.hash.description), .text(r.from),
                        .int(d.amount.micro),
                        .text(owner == nil ? "suspense" : "credited"), owner.map { .text($0) } ?? .null, .text(r.id),
                        .int(now),
                    ]
                },
                "ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING RETURNING ledger_tx_id", in: tx)
            let fresh = Set(try inserted.map { try $0.string("ledger_tx_id") })
            let credited = rows.filter { fresh.contains($0.id) }
            try await Self.post(
                try credited.map { try Self.movement($0.deposit, id: $0.id, owner: owners[$0.from], now: now) }, in: tx)
            if let stored, try stored.int("block_number") > Int64(cursor.number) { return credited.map(\.deposit) }
            try await tx.query(
                """
                INSERT INTO chain_cursors (chain_id, block_number, block_hash, updated_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (chain_id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash,
                    updated_at = excluded.updated_at
                """,
                [.int(Int64(chainID)), .int(Int64(cursor.number)), .text(cursor.hash.description), .int(now)])
            return credited.map(\.deposit)
        }
    }

    /// The account each linked address belongs to (lower-case hex keys); unlinked ones
    /// are absent.
    static func linkedOwners(of addresses: Set<String>, in tx: any SQLExecutor) async throws -> [String: String] {
        var owners: [String: String] = [:]
        for group in statementGroups(Array(addresses)) {
            for row in try await tx.query(
                "SELECT address, user_id FROM wallet_links WHERE address IN \(placeholders(group.count))",
                group.map { .text($0) })
            {
                owners[try row.string("address")] = try row.string("user_id")
            }
        }
        return owners
    }

    /// `deposit:<chain>:<block, 12 digits>:<tx hash>:<log index>`. The block comes first
    /// so that a backfill's ids ascend: the ids key two B-tree indexes, and random keys
    /// (a hash first) made every chunk rewrite pages all over them, which cost the
    /// SQLite backfill 12-15% of its CPU.
    static func ledgerID(_ d: Deposit) -> String {
        let block = String(d.block.number)
        return "deposit:\(d.key.chainID):" + String(repeating: "0", count: max(0, 12 - block.count)) + block
            + ":\(d.key.transactionHash):\(d.key.logIndex)"
    }

    /// The movement crediting `d` to `owner`'s account, or to the chain's suspense account
    /// when its sender is not linked.
    static func movement(_ d: Deposit, id: String, owner: String?, now: Int64) throws -> LedgerTransaction {
        try .transfer(
            id: id, kind: .deposit, amount: d.amount, from: .hotWallet(chain: d.key.chainID),
            to: owner.map { .available(user: $0) } ?? .suspense(chain: d.key.chainID),
            references: [
                "chain_id": "\(d.key.chainID)", "tx_hash": d.key.transactionHash.description,
                "log_index": "\(d.key.logIndex)",
                "block": "\(d.block.number)", "from": d.from.checksummed,
            ],
            createdAt: now)
    }

    public func recordPending(_ pending: [PendingDeposit], head: BlockRef, chainID: Int) async throws {
        let now = Int64(Date().timeIntervalSince1970)
        try await db.transaction { tx -> Void in
            try await tx.query("DELETE FROM chain_pending WHERE chain_id = $1", [.int(Int64(chainID))])
            for p in pending {
                let d = p.deposit
                try await tx.query(
                    """
                    INSERT INTO chain_pending (chain_id, tx_hash, log_index, block_number, block_hash, from_address, amount,
                        confirmations, required, seen_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING
                    """,
                    [
                        .int(Int64(chainID)), .text(d.key.transactionHash.description), .int(Int64(d.key.logIndex)),
                        .int(Int64(d.block.number)), .text(d.block.hash.description), .text(d.from.lowercased),
                        .int(d.amount.micro),
                        .int(Int64(p.confirmations)), .int(Int64(p.required)), .int(now),
                    ])
            }
        }
    }

    public func recordIncident(_ incident: ReorgIncident) async throws {
        try await db.query(
            """
            INSERT INTO chain_incidents (id, chain_id, kind, block_number, expected_hash, found_hash, cursor_number, cursor_hash,
                detail, detected_at)
            VALUES ($1, $2, 'deep_reorg', $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING
            """,
            [
                .text("\(incident.chainID):\(incident.height):\(incident.found)"), .int(Int64(incident.chainID)),
                .int(Int64(incident.height)), .text(incident.expected.description), .text(incident.found.description),
                .int(Int64(incident.cursor.number)), .text(incident.cursor.hash.description),
                .text(incident.description),
                .int(Int64(Date().timeIntervalSince1970)),
            ])
    }

    public func openIncident(chainID: Int) async throws -> ReorgIncident? {
        guard
            let row = try await db.first(
                "SELECT * FROM chain_incidents WHERE chain_id = $1 AND resolved_at IS NULL ORDER BY detected_at, id LIMIT 1",
                [.int(Int64(chainID))])
        else { return nil }
        return ReorgIncident(
            chainID: chainID, height: UInt64(try row.int("block_number")),
            expected: try Self.hash(row.string("expected_hash")),
            found: try Self.hash(row.string("found_hash")),
            cursor: try Self.blockRef(number: row.int("cursor_number"), hash: row.string("cursor_hash")))
    }

    static func hash(_ text: String) throws -> Hash32 {
        guard let h = try? Hash32(parsing: text) else { throw StorageError.decoding(column: "hash") }
        return h
    }

    static func blockRef(number: Int64, hash text: String) throws -> BlockRef {
        BlockRef(number: UInt64(number), hash: try hash(text))
    }
}

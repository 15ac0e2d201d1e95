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
    /// links, the deposit rows (a key already there is skipped), their ledger movements as
    /// ``DepositAttribution`` decides them, and the cursor.
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
            // Each sender in hex, made once: a backfill credits 100,000.
            let senders = deposits.map(\.from.lowercased)
            let owners = try await Self.linkedOwners(of: Set(senders), in: tx)
            let credits = try DepositAttribution.credit(deposits, owners: owners, at: now)
            let inserted = try await Self.insertRows(
                """
                INSERT INTO chain_deposits (chain_id, tx_hash, log_index, block_number, block_hash, from_address, amount, status,
                    user_id, ledger_tx_id, credited_at) VALUES
                """,
                zip(credits, senders).map { c, from in
                    let d = c.deposit
                    return [
                        .int(Int64(d.key.chainID)), .text(d.key.transactionHash.description),
                        .int(Int64(d.key.logIndex)),
                        .int(Int64(d.block.number)), .text(d.block.hash.description), .text(from), .int(d.amount.micro),
                        .text(c.status.rawValue), c.owner.map { .text($0) } ?? .null, .text(c.movement.id), .int(now),
                    ]
                },
                "ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING RETURNING ledger_tx_id", in: tx)
            let fresh = Set(try inserted.map { try $0.string("ledger_tx_id") })
            let credited = credits.filter { fresh.contains($0.movement.id) }
            try await Self.post(credited.map(\.movement), in: tx)
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

    /// The account each linked address belongs to; unlinked ones are absent.
    ///
    /// - Parameter addresses: lower-case hex, as `wallet_links` stores them.
    static func linkedOwners(of addresses: Set<String>, in tx: any SQLExecutor) async throws -> [Address: String] {
        var owners: [Address: String] = [:]
        for group in statementGroups(Array(addresses)) {
            for row in try await tx.query(
                "SELECT address, user_id FROM wallet_links WHERE address IN \(placeholders(group.count))",
                group.map { .text($0) })
            {
                owners[try Address(parsing: try row.string("address"))] = try row.string("user_id")
            }
        }
        return owners
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

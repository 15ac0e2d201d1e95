import Brokerage
import ChainWatcher
import Ethereum

extension SQLStore: DepositDirectory {
    public func deposits(userID: String, limit: Int) async throws -> [DepositRecord] {
        let credited = try await db.query(
            "SELECT * FROM chain_deposits WHERE user_id = $1 ORDER BY credited_at DESC, block_number DESC, log_index DESC LIMIT $2",
            [.text(userID), .int(Int64(limit))]
        ).map(Self.creditedRecord)
        let pending = try await db.query(
            """
            SELECT p.* FROM chain_pending p JOIN wallet_links w ON w.address = p.from_address
            WHERE w.user_id = $1 AND NOT EXISTS (
                SELECT 1 FROM chain_deposits d WHERE d.chain_id = p.chain_id AND d.tx_hash = p.tx_hash AND d.log_index = p.log_index)
            ORDER BY p.block_number DESC, p.log_index DESC LIMIT $2
            """,
            [.text(userID), .int(Int64(limit))]
        ).map { try Self.pendingRecord($0, userID: userID) }
        return Array((pending + credited).prefix(limit))
    }

    public func suspenseDeposits(chainID: Int?) async throws -> [DepositRecord] {
        let rows =
            if let chainID {
                try await db.query(
                    "SELECT * FROM chain_deposits WHERE status = 'suspense' AND chain_id = $1 ORDER BY credited_at, block_number, log_index",
                    [.int(Int64(chainID))])
            } else {
                try await db.query(
                    "SELECT * FROM chain_deposits WHERE status = 'suspense' ORDER BY credited_at, block_number, log_index"
                )
            }
        return try rows.map(Self.creditedRecord)
    }

    public func assignDeposit(_ key: DepositKey, toUser userID: String, operator: String, at: Int64) async throws
        -> DepositRecord
    {
        try await db.transaction { tx in
            let lock = tx.dialect == .postgres ? " FOR UPDATE" : ""
            let row = try await tx.first(
                "SELECT * FROM chain_deposits WHERE chain_id = $1 AND tx_hash = $2 AND log_index = $3" + lock,
                [.int(Int64(key.chainID)), .text(key.transactionHash.description), .int(Int64(key.logIndex))])
            let userExists = try await tx.first("SELECT id FROM users WHERE id = $1", [.text(userID)]) != nil
            let (assigned, movement) = try DepositAttribution.assign(
                try row.map(Self.creditedRecord), key: key, to: userID, userExists: userExists, operator: `operator`,
                at: at)
            try await tx.query(
                """
                UPDATE chain_deposits SET status = $1, user_id = $2, assigned_by = $3, assigned_at = $4
                WHERE chain_id = $5 AND tx_hash = $6 AND log_index = $7
                """,
                [
                    .text(assigned.status.rawValue), .text(userID), .text(`operator`), .int(at),
                    .int(Int64(key.chainID)),
                    .text(key.transactionHash.description), .int(Int64(key.logIndex)),
                ])
            try await Self.post(movement, in: tx)
            return assigned
        }
    }

    public func resolveIncidents(chainID: Int, operator: String, at: Int64) async throws -> Int {
        try await db.query(
            "UPDATE chain_incidents SET resolved_at = $1, resolved_by = $2 WHERE chain_id = $3 AND resolved_at IS NULL RETURNING id",
            [.int(at), .text(`operator`), .int(Int64(chainID))]
        ).count
    }

    public func depositTotals(chainID: Int) async throws -> (credited: USDC, pending: USDC) {
        let row = try await db.first(
            """
            SELECT
              (SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM chain_deposits WHERE chain_id = $1) AS credited,
              (SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM chain_pending p WHERE chain_id = $1 AND NOT EXISTS (
                  SELECT 1 FROM chain_deposits d WHERE d.chain_id = p.chain_id AND d.tx_hash = p.tx_hash
                    AND d.log_index = p.log_index)) AS pending
            """, [.int(Int64(chainID))])
        return (USDC(micro: try row?.int("credited") ?? 0), USDC(micro: try row?.int("pending") ?? 0))
    }

    public func chainSummary(chainID: Int) async throws -> ChainSummary {
        let id = SQLValue.int(Int64(chainID))
        let counts = try await db.first(
            """
            SELECT
              (SELECT COUNT(*) FROM chain_pending WHERE chain_id = $1) AS pending,
              (SELECT COUNT(*) FROM chain_deposits WHERE chain_id = $1) AS credited,
              (SELECT COUNT(*) FROM chain_deposits WHERE chain_id = $1 AND status = 'suspense') AS suspense,
              (SELECT MAX(credited_at) FROM chain_deposits WHERE chain_id = $1) AS last_credit
            """, [id])
        return ChainSummary(
            chainID: chainID, cursor: try await loadCursor(chainID: chainID),
            pendingCount: Int(try counts?.int("pending") ?? 0),
            creditedCount: Int(try counts?.int("credited") ?? 0), suspenseCount: Int(try counts?.int("suspense") ?? 0),
            lastCreditAt: try counts?.optionalInt("last_credit"), openIncident: try await openIncident(chainID: chainID)
        )
    }

    static func creditedRecord(_ row: SQLRow) throws -> DepositRecord {
        DepositRecord(
            key: try depositKey(row), status: DepositRecord.Status(rawValue: try row.string("status")) ?? .credited,
            from: try Address(parsing: try row.string("from_address")), amount: USDC(micro: try row.int("amount")),
            block: try blockRef(number: row.int("block_number"), hash: row.string("block_hash")), confirmations: nil,
            required: nil,
            userID: try row.optionalString("user_id"), at: try row.int("credited_at"))
    }

    static func pendingRecord(_ row: SQLRow, userID: String?) throws -> DepositRecord {
        DepositRecord(
            key: try depositKey(row), status: .pending, from: try Address(parsing: try row.string("from_address")),
            amount: USDC(micro: try row.int("amount")),
            block: try blockRef(number: row.int("block_number"), hash: row.string("block_hash")),
            confirmations: Int(try row.int("confirmations")), required: Int(try row.int("required")), userID: userID,
            at: try row.int("seen_at"))
    }

    static func depositKey(_ row: SQLRow) throws -> DepositKey {
        DepositKey(
            chainID: Int(try row.int("chain_id")), transactionHash: try hash(row.string("tx_hash")),
            logIndex: UInt64(try row.int("log_index")))
    }
}

import Brokerage
import Ethereum

extension SQLStore: WithdrawalStore {
    public func requestWithdrawal(
        userID: String, now: Int64, _ decide: @Sendable (_ requestedToday: USDC) throws -> WithdrawalDecision
    ) async throws -> Withdrawal {
        try await db.transaction { tx in
            // One user's requests take turns (SQLite's writer lock does this already), so two
            // cannot both fit under the daily limit.
            if tx.dialect == .postgres {
                _ = try await tx.first("SELECT id FROM users WHERE id = $1 FOR UPDATE", [.text(userID)])
            }
            let row = try await tx.first(
                """
                SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM withdrawals
                WHERE user_id = $1 AND created_at > $2 AND status NOT IN ('rejected', 'cancelled', 'failed')
                """, [.text(userID), .int(now - WithdrawalPolicy.window)])
            let decision = try decide(USDC(micro: try row?.int("total") ?? 0))
            let w = decision.withdrawal
            try await tx.query(
                """
                INSERT INTO withdrawals (id, user_id, source, amount, chain_id, token, destination, status, simulated,
                    created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
                """,
                [
                    .text(w.id), .text(w.userID), .text(w.source.rawValue), .int(w.amount.micro),
                    .int(Int64(w.chainID)),
                    .text(w.token.lowercased), .text(w.destination.lowercased), .text(w.status.rawValue),
                    .bool(w.simulated), .int(w.createdAt),
                ])
            try await Self.save(decision, in: tx)
            return w
        }
    }

    public func changeWithdrawal(id: String, _ decide: @Sendable (Withdrawal) throws -> WithdrawalDecision)
        async throws -> Withdrawal
    {
        try await db.transaction { tx in
            let decision = try decide(try await Self.lockedWithdrawal(id: id, in: tx))
            try await Self.save(decision, in: tx)
            return decision.withdrawal
        }
    }

    public func signWithdrawal(
        id: String, hotWallet: Address, _ sign: @Sendable (_ nonce: UInt64) throws -> WithdrawalAttempt,
        _ decide: @Sendable (Withdrawal, WithdrawalAttempt, UInt64) throws -> WithdrawalDecision
    ) async throws -> Withdrawal {
        try await db.transaction { tx in
            let w = try await Self.lockedWithdrawal(id: id, in: tx)
            let key: [SQLValue] = [.int(Int64(w.chainID)), .text(hotWallet.lowercased)]
            try await tx.query(
                "INSERT INTO hot_wallet_nonces (chain_id, address, next_nonce) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
                key)
            let lock = tx.dialect == .postgres ? " FOR UPDATE" : ""
            guard
                let row = try await tx.first(
                    "SELECT next_nonce FROM hot_wallet_nonces WHERE chain_id = $1 AND address = $2" + lock, key)
            else { throw StorageError.other(detail: "hot wallet nonce row vanished") }
            let nonce = UInt64(try row.int("next_nonce"))
            let attempt = try sign(nonce)
            let decision = try decide(w, attempt, nonce)
            try await Self.save(decision, in: tx)
            try await tx.query(
                "UPDATE hot_wallet_nonces SET next_nonce = $3 WHERE chain_id = $1 AND address = $2",
                key + [.int(Int64(nonce + 1))])
            return decision.withdrawal
        }
    }

    public func reconcileNonce(chainID: Int, hotWallet: Address, chainNonce: UInt64) async throws -> UInt64 {
        try await db.transaction { tx in
            try await tx.query(
                """
                INSERT INTO hot_wallet_nonces (chain_id, address, next_nonce) VALUES ($1, $2, $3)
                ON CONFLICT (chain_id, address) DO UPDATE SET next_nonce = CASE
                    WHEN excluded.next_nonce > hot_wallet_nonces.next_nonce THEN excluded.next_nonce
                    ELSE hot_wallet_nonces.next_nonce END
                """, [.int(Int64(chainID)), .text(hotWallet.lowercased), .int(Int64(chainNonce))])
            let row = try await tx.first(
                "SELECT next_nonce FROM hot_wallet_nonces WHERE chain_id = $1 AND address = $2",
                [.int(Int64(chainID)), .text(hotWallet.lowercased)])
            return UInt64(try row?.int("next_nonce") ?? 0)
        }
    }

    public func withdrawal(id: String) async throws -> Withdrawal? {
        try await Self.withdrawals(
            "SELECT * FROM withdrawals WHERE id = $1", [.text(id)], in: db
        ).first
    }

    public func withdrawals(userID: String, after: String?, limit: Int) async throws -> [Withdrawal] {
        if let after,
            let cursor = try await db.first(
                "SELECT created_at FROM withdrawals WHERE id = $1 AND user_id = $2", [.text(after), .text(userID)])
        {
            return try await Self.withdrawals(
                """
                SELECT * FROM withdrawals WHERE user_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3))
                ORDER BY created_at DESC, id DESC LIMIT $4
                """, [.text(userID), .int(try cursor.int("created_at")), .text(after), .int(Int64(limit))], in: db)
        }
        return try await Self.withdrawals(
            "SELECT * FROM withdrawals WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            [.text(userID), .int(Int64(limit))], in: db)
    }

    public func withdrawals(statuses: Set<Withdrawal.Status>, chainID: Int?, limit: Int) async throws -> [Withdrawal] {
        let list = statuses.isEmpty ? Withdrawal.Status.allCases : statuses.sorted { $0.rawValue < $1.rawValue }
        var binds = list.map { SQLValue.text($0.rawValue) }
        var sql = "SELECT * FROM withdrawals WHERE status IN \(Self.placeholders(list.count))"
        if let chainID {
            binds.append(.int(Int64(chainID)))
            sql += " AND chain_id = $\(binds.count)"
        }
        binds.append(.int(Int64(limit)))
        return try await Self.withdrawals(sql + " ORDER BY created_at, id LIMIT $\(binds.count)", binds, in: db)
    }

    public func auditTrail(withdrawalID: String) async throws -> [WithdrawalAuditEntry] {
        try await db.query(
            "SELECT * FROM withdrawal_audit WHERE withdrawal_id = $1 ORDER BY seq", [.text(withdrawalID)]
        ).map { row in
            WithdrawalAuditEntry(
                withdrawalID: try row.string("withdrawal_id"), action: try row.string("action"),
                actor: try row.string("actor"), detail: try row.string("detail"), at: try row.int("at"))
        }
    }

    public func withdrawalCounts(chainID: Int?) async throws -> [Withdrawal.Status: Int] {
        let rows =
            if let chainID {
                try await db.query(
                    "SELECT status, COUNT(*) AS n FROM withdrawals WHERE chain_id = $1 GROUP BY status",
                    [.int(Int64(chainID))])
            } else {
                try await db.query("SELECT status, COUNT(*) AS n FROM withdrawals GROUP BY status")
            }
        var counts: [Withdrawal.Status: Int] = [:]
        for row in rows {
            if let status = Withdrawal.Status(rawValue: try row.string("status")) {
                counts[status] = Int(try row.int("n"))
            }
        }
        return counts
    }

    public func withdrawalTotals(chainID: Int) async throws -> (settled: USDC, inFlight: USDC) {
        let row = try await db.first(
            """
            SELECT
              CAST(COALESCE(SUM(CASE WHEN status = 'confirmed' AND NOT simulated THEN amount END), 0) AS BIGINT) AS settled,
              CAST(COALESCE(SUM(CASE WHEN status IN ('signed', 'broadcast') THEN amount END), 0) AS BIGINT) AS in_flight
            FROM withdrawals WHERE chain_id = $1
            """, [.int(Int64(chainID))])
        return (USDC(micro: try row?.int("settled") ?? 0), USDC(micro: try row?.int("in_flight") ?? 0))
    }

    // MARK: - Helpers

    static func lockedWithdrawal(id: String, in tx: any SQLExecutor) async throws -> Withdrawal {
        let lock = tx.dialect == .postgres ? " FOR UPDATE" : ""
        guard let w = try await withdrawals("SELECT * FROM withdrawals WHERE id = $1" + lock, [.text(id)], in: tx).first
        else { throw WithdrawalRefusal.notFound }
        return w
    }

    /// Writes a decision about a stored withdrawal: its row, its approvals, any new
    /// transactions (and broadcast times), the movements and the audit entries.
    static func save(_ decision: WithdrawalDecision, in tx: any SQLExecutor) async throws {
        let w = decision.withdrawal
        try await tx.query(
            """
            UPDATE withdrawals SET status = $2, reason = $3, rejected_by = $4, flag = $5, hot_wallet = $6, nonce = $7,
                mined_hash = $8, mined_block = $9, network_fee = $10, updated_at = $11, approved_at = $12, finished_at = $13
            WHERE id = $1
            """,
            [
                .text(w.id), .text(w.status.rawValue), text(w.reason), text(w.rejectedBy), text(w.flag),
                text(w.hotWallet?.lowercased), int(w.nonce.map(Int64.init)), text(w.minedHash?.description),
                int(w.minedBlock.map(Int64.init)), text(w.networkFee?.description), .int(w.updatedAt),
                int(w.approvedAt), int(w.finishedAt),
            ])
        try await tx.query("DELETE FROM withdrawal_approvals WHERE withdrawal_id = $1", [.text(w.id)])
        try await insertRows(
            "INSERT INTO withdrawal_approvals (withdrawal_id, operator_id, binding, at) VALUES",
            w.approvals.map { [.text(w.id), .text($0.operatorID), .text($0.binding), .int($0.at)] }, in: tx)
        try await insertRows(
            """
            INSERT INTO withdrawal_attempts (hash, withdrawal_id, position, raw, max_fee, max_priority_fee, gas_limit,
                signed_at, broadcast_at) VALUES
            """,
            w.attempts.enumerated().map { position, a in
                [
                    .text(a.hash.description), .text(w.id), .int(Int64(position)), .text(Hex.encode(a.raw)),
                    .text(a.maxFeePerGas.description), .text(a.maxPriorityFeePerGas.description),
                    .int(Int64(a.gasLimit)),
                    .int(a.signedAt), int(a.broadcastAt),
                ]
            },
            "ON CONFLICT (hash) DO UPDATE SET broadcast_at = excluded.broadcast_at", in: tx)
        try await post(decision.movements, in: tx)
        try await insertRows(
            "INSERT INTO withdrawal_audit (withdrawal_id, action, actor, detail, at) VALUES",
            decision.audit.map {
                [.text($0.withdrawalID), .text($0.action), .text($0.actor), .text($0.detail), .int($0.at)]
            },
            in: tx)
    }

    /// Withdrawals of `sql`'s rows, with their approvals and transactions.
    static func withdrawals(_ sql: String, _ binds: [SQLValue], in executor: any SQLExecutor) async throws
        -> [Withdrawal]
    {
        let rows = try await executor.query(sql, binds)
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.string("id") }
        var approvals: [String: [Withdrawal.Approval]] = [:]
        var attempts: [String: [WithdrawalAttempt]] = [:]
        for group in statementGroups(ids) {
            let list = placeholders(group.count)
            let values = group.map { SQLValue.text($0) }
            for row in try await executor.query(
                "SELECT * FROM withdrawal_approvals WHERE withdrawal_id IN \(list) ORDER BY at, operator_id", values)
            {
                approvals[try row.string("withdrawal_id"), default: []].append(
                    Withdrawal.Approval(
                        operatorID: try row.string("operator_id"), at: try row.int("at"),
                        binding: try row.string("binding")))
            }
            for row in try await executor.query(
                "SELECT * FROM withdrawal_attempts WHERE withdrawal_id IN \(list) ORDER BY position", values)
            {
                attempts[try row.string("withdrawal_id"), default: []].append(try attempt(row))
            }
        }
        return try rows.map { row in
            let id = try row.string("id")
            guard let status = Withdrawal.Status(rawValue: try row.string("status")),
                let source = Withdrawal.Source(rawValue: try row.string("source"))
            else { throw StorageError.decoding(column: "status") }
            return Withdrawal(
                id: id, userID: try row.string("user_id"), source: source, amount: USDC(micro: try row.int("amount")),
                chainID: Int(try row.int("chain_id")), token: try address(row.string("token")),
                destination: try address(row.string("destination")), status: status,
                simulated: try row.bool("simulated"), approvals: approvals[id] ?? [],
                reason: try row.optionalString("reason"), rejectedBy: try row.optionalString("rejected_by"),
                flag: try row.optionalString("flag"), hotWallet: try row.optionalString("hot_wallet").map(address),
                nonce: try row.optionalInt("nonce").map(UInt64.init), attempts: attempts[id] ?? [],
                minedHash: try row.optionalString("mined_hash").map(hash),
                minedBlock: try row.optionalInt("mined_block").map(UInt64.init),
                networkFee: try row.optionalString("network_fee").map(quantity), createdAt: try row.int("created_at"),
                updatedAt: try row.int("updated_at"), approvedAt: try row.optionalInt("approved_at"),
                finishedAt: try row.optionalInt("finished_at"))
        }
    }

    static func attempt(_ row: SQLRow) throws -> WithdrawalAttempt {
        guard let raw = try? Hex.decode(try row.string("raw"), prefix: .required) else {
            throw StorageError.decoding(column: "raw")
        }
        return WithdrawalAttempt(
            hash: try hash(row.string("hash")), raw: raw, maxFeePerGas: try quantity(row.string("max_fee")),
            maxPriorityFeePerGas: try quantity(row.string("max_priority_fee")),
            gasLimit: UInt64(try row.int("gas_limit")), signedAt: try row.int("signed_at"),
            broadcastAt: try row.optionalInt("broadcast_at"))
    }

    static func address(_ text: String) throws -> Address {
        guard let a = try? Address(parsing: text) else { throw StorageError.decoding(column: "address") }
        return a
    }

    static func quantity(_ text: String) throws -> BigUInt {
        guard let v = try? BigUInt(decimal: text) else { throw StorageError.decoding(column: "quantity") }
        return v
    }

    static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func int(_ value: Int64?) -> SQLValue { value.map { .int($0) } ?? .null }
}

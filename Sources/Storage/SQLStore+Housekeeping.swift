extension SQLStore {
    /// Rows nothing reads any more, by table, with the column and cut-off that say so.
    public struct Expiry: Sendable {
        public var sessions: Int64
        public var walletNonces: Int64
        public var idempotencyKeys: Int64
        public var attempts: Int64

        /// Deletes sessions and wallet nonces a day after they expired, idempotency keys a
        /// day after their first use (as Stripe does: a key may then be used again), and
        /// attempts a day after they were made (the longest limit window is an hour).
        public static func standard(now: Int64) -> Expiry {
            Expiry(
                sessions: now - 86_400, walletNonces: now - 86_400, idempotencyKeys: now - 86_400,
                attempts: now - 86_400)
        }

        public init(sessions: Int64, walletNonces: Int64, idempotencyKeys: Int64, attempts: Int64) {
            (self.sessions, self.walletNonces, self.idempotencyKeys, self.attempts) =
                (sessions, walletNonces, idempotencyKeys, attempts)
        }
    }

    /// Deletes expired rows in batches of 1,000 (so no statement holds locks for long);
    /// returns how many went, by table.
    public func pruneExpired(_ expiry: Expiry) async throws -> [String: Int] {
        let batches: [(table: String, statement: String, cutoff: Int64)] = [
            (
                "sessions",
                "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < $1 LIMIT 1000) RETURNING id",
                expiry.sessions
            ),
            (
                "siwe_nonces",
                "DELETE FROM siwe_nonces WHERE nonce IN (SELECT nonce FROM siwe_nonces WHERE expires_at < $1 LIMIT 1000) RETURNING nonce",
                expiry.walletNonces
            ),
            (
                "idempotency_keys",
                "DELETE FROM idempotency_keys WHERE (user_id, key) IN (SELECT user_id, key FROM idempotency_keys WHERE created_at < $1 LIMIT 1000) RETURNING key",
                expiry.idempotencyKeys
            ),
            (
                "auth_attempts",
                "DELETE FROM auth_attempts WHERE id IN (SELECT id FROM auth_attempts WHERE at < $1 LIMIT 1000) RETURNING id",
                expiry.attempts
            ),
        ]
        var pruned: [String: Int] = [:]
        for batch in batches {
            var total = 0
            while true {
                let gone = try await db.query(batch.statement, [.int(batch.cutoff)]).count
                total += gone
                if gone < 1000 { break }
            }
            pruned[batch.table] = total
        }
        return pruned
    }
}

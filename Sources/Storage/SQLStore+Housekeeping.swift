extension SQLStore {
    /// How long rows nothing reads any more are kept: sessions and wallet nonces a day
    /// after they expired, idempotency keys a day after their first use (as Stripe does:
    /// a key may then be used again), attempts a day after they were made (the longest
    /// limit window is an hour).
    public static let retention: Int64 = 86_400

    /// Deletes rows past ``retention`` at `now` in batches of 1,000 (so no statement holds
    /// locks for long); returns how many went, by table.
    public func pruneExpired(now: Int64) async throws -> [String: Int] {
        let cutoff = now - Self.retention
        let batches: [(table: String, statement: String)] = [
            (
                "sessions",
                "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < $1 LIMIT 1000) RETURNING id"
            ),
            (
                "siwe_nonces",
                "DELETE FROM siwe_nonces WHERE nonce IN (SELECT nonce FROM siwe_nonces WHERE expires_at < $1 LIMIT 1000) RETURNING nonce"
            ),
            (
                "idempotency_keys",
                "DELETE FROM idempotency_keys WHERE (user_id, key) IN (SELECT user_id, key FROM idempotency_keys WHERE created_at < $1 LIMIT 1000) RETURNING key"
            ),
            (
                "auth_attempts",
                "DELETE FROM auth_attempts WHERE id IN (SELECT id FROM auth_attempts WHERE at < $1 LIMIT 1000) RETURNING id"
            ),
        ]
        var pruned: [String: Int] = [:]
        for batch in batches {
            var total = 0
            while true {
                let gone = try await db.query(batch.statement, [.int(cutoff)]).count
                total += gone
                if gone < 1000 { break }
            }
            pruned[batch.table] = total
        }
        return pruned
    }
}

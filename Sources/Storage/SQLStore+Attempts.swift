import Brokerage

extension SQLStore: AttemptStore {
    public func admitAttempt(_ limits: [AttemptLimit], now: Int64) async throws -> Int64? {
        try await db.transaction { tx in
            let keys = Set(limits.map(\.key)).sorted()
            if tx.dialect == .postgres {
                // Admissions of one key take turns across replicas (SQLite's writer lock
                // does this already), so parallel guesses cannot all fit under the limit.
                for key in keys {
                    _ = try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [.text(key)])
                }
            }
            var counted: [(AttemptLimit, recent: [Int64])] = []
            for limit in limits where limit.limit < .max {
                let rows = try await tx.query(
                    "SELECT at FROM auth_attempts WHERE key = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
                    [.text(limit.key), .int(now - limit.window), .int(Int64(limit.limit))])
                counted.append((limit, try rows.map { try $0.int("at") }))
            }
            if let wait = AttemptLimit.wait(counted, now: now) { return wait }
            for key in keys {
                try await tx.query("INSERT INTO auth_attempts (key, at) VALUES ($1, $2)", [.text(key), .int(now)])
            }
            return nil
        }
    }

    public func forgetAttempts(key: String) async throws {
        try await db.query("DELETE FROM auth_attempts WHERE key = $1", [.text(key)])
    }

    public func forgetLatestAttempt(key: String) async throws {
        try await db.query(
            "DELETE FROM auth_attempts WHERE id = (SELECT MAX(id) FROM auth_attempts WHERE key = $1)", [.text(key)])
    }
}

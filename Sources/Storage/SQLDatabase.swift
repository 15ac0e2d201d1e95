/// A database with transactions. Implemented by `SQLiteDatabase` and `PostgresDatabase`.
public protocol SQLDatabase: SQLExecutor {
    /// Runs `body` in one database transaction: committed if it returns, rolled back if
    /// it throws. On SQLite the transaction takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so check-then-write sequences inside it cannot interleave.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// `transaction`, run again (up to `attempts` times) when the database aborts it for a
    /// deadlock or a lost race. PostgreSQL may abort one of two concurrent inserts that
    /// collide on an exclusion constraint; run again, the loser sees the committed winner
    /// and gets an ordinary constraint error. Only for bodies with no effect outside the
    /// transaction.
    func transaction<T: Sendable>(
        retryingConflicts attempts: Int, _ body: @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T
    /// Keeps the connection pool alive (PostgreSQL); returns when cancelled.
    func run() async
    /// Releases connections; call once when done (SQLite asserts if a connection is
    /// dropped open).
    func close() async
    /// A short description for logs and `/ready`, never with a password.
    var displayName: String { get }
    /// Runs `body` while this process holds the exclusive lease `key` among every process
    /// sharing the database, or returns nil at once when another one holds it.
    ///
    /// On PostgreSQL the lease is a session advisory lock on a connection kept for the
    /// duration and checked every `heartbeat`; if that connection dies (and with it the
    /// lock) `body` is cancelled and `StorageError.unavailable` is thrown, so a replica
    /// never keeps working after losing its lease. SQLite is single-process: `body` runs.
    func withLease<T: Sendable>(_ key: Int64, heartbeat: Duration, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T?
}

extension SQLDatabase {
    public func transaction<T: Sendable>(
        retryingConflicts attempts: Int, _ body: @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        for _ in 1..<max(attempts, 1) {
            do { return try await transaction(body) } catch StorageError.conflict {}
        }
        return try await transaction(body)
    }
}

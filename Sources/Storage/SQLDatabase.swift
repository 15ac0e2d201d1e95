/// A database with transactions. Implemented by `SQLiteDatabase` and `PostgresDatabase`.
public protocol SQLDatabase: SQLExecutor {
    /// Runs `body` in one database transaction: committed if it returns, rolled back if
    /// it throws. On SQLite the transaction takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so check-then-write sequences inside it cannot interleave.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
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
    func withLease<T: Sendable>(_ key: Int64, heartbeat: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T?
}

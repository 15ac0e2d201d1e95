/// The transaction ``SQLStore/atomically(_:)`` opened, as the store's database for the
/// task running it (and its child tasks): queries run in it, and a store method's own
/// `transaction` joins it instead of opening another, so their writes commit together
/// with everything else in the body, or not at all.
struct JoinedTransaction: SQLDatabase {
    struct Ambient: Sendable {
        let database: any SQLDatabase
        let executor: any SQLExecutor
    }

    @TaskLocal static var ambient: Ambient?

    /// The joined transaction when this task runs inside `atomically` on `database`.
    static func current(for database: any SQLDatabase) -> JoinedTransaction? {
        guard let ambient, (ambient.database as AnyObject) === (database as AnyObject) else { return nil }
        return JoinedTransaction(base: ambient.database, executor: ambient.executor)
    }

    let base: any SQLDatabase
    let executor: any SQLExecutor

    var dialect: SQLDialect { base.dialect }
    var displayName: String { base.displayName }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await executor.query(sql, binds)
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await body(executor)
    }

    /// Once: after a conflict the whole transaction is aborted, and only `atomically`
    /// can run it again.
    func transaction<T: Sendable>(
        retryingConflicts attempts: Int, _ body: @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        try await body(executor)
    }

    func run() async {}
    func close() async {}

    func withLease<T: Sendable>(_ key: Int64, heartbeat: Duration, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T?
    {
        try await base.withLease(key, heartbeat: heartbeat, body)
    }
}

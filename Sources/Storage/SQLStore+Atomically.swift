extension SQLStore {
    /// Whether this task runs inside ``atomically(_:)``: a conflict then aborts the whole
    /// transaction, and only `atomically` may run it again.
    var isAtomic: Bool { JoinedTransaction.current(for: database) != nil }

    /// Runs `body` so that everything it does through this store (on this task and its
    /// child tasks) commits in one database transaction or not at all: store methods
    /// called inside join the transaction instead of opening their own. An idempotent
    /// request stores its response this way, in the commit that moves the money. A
    /// conflict the database aborts runs the whole body again (up to five times), so
    /// `body` must have no effect outside the store.
    public func atomically<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        if isAtomic { return try await body() }
        let database = database
        return try await database.transaction(retryingConflicts: Self.conflictAttempts) { tx in
            try await JoinedTransaction.$ambient.withValue(.init(database: database, executor: tx)) {
                try await body()
            }
        }
    }
}

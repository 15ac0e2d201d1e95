import Logging

/// Which database to use: the embedded SQLite file by default, PostgreSQL when a URL is set.
public enum DatabaseConfiguration: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// `GP4U_DATABASE_URL` wins; otherwise `<dataDir>/gp4u.sqlite`.
    public static func resolve(databaseURL: String?, dataDir: String) -> DatabaseConfiguration {
        if let url = databaseURL, !url.isEmpty { return .postgres(url: url) }
        return .sqlite(path: dataDir + "/gp4u.sqlite")
    }

    /// Opens the database. For PostgreSQL the caller must also `run()` it.
    ///
    /// - Parameter creating: false for commands that must not create anything: a missing
    ///   SQLite file is then ``StorageError/missingDatabase(where:)``. PostgreSQL databases
    ///   are never created by us: one connection is tried first, and a missing database is
    ///   the same error.
    public func open(creating: Bool = true, logger: Logger) async throws -> any SQLDatabase {
        switch self {
        case .sqlite(let path): try await SQLiteDatabase.open(path: path, creating: creating, logger: logger)
        case .postgres(let url):
            try await {
                let db = try PostgresDatabase(url: url, logger: logger)
                try await db.probe()
                return db
            }()
        }
    }
}

/// Runs `body` with an open, migrated-or-not database, keeping the PostgreSQL pool
/// running only for as long as `body` does (structured, for the CLI and tests).
public func withDatabase<T: Sendable>(
    _ config: DatabaseConfiguration, creating: Bool = true, logger: Logger,
    _ body: @Sendable (any SQLDatabase) async throws -> T
) async throws -> T {
    let db = try await config.open(creating: creating, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await db.run() }
        defer { group.cancelAll() }
        do {
            let value = try await body(db)
            await db.close()
            return value
        } catch {
            await db.close()
            throw error
        }
    }
}

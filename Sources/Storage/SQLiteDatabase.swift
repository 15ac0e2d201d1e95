import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// The embedded default: one SQLite file in WAL mode, so `gp4u serve` needs nothing
/// installed. One connection serves the process; an async lock makes transactions take
/// turns, and a busy timeout covers other processes (the CLI) writing the same file.
public final class SQLiteDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    public let displayName: String
    private let connection: SQLiteConnection
    private let lock = AsyncLock()

    /// Opens (and, if `creating`, creates) the database file; `path` of `:memory:` gives a
    /// private in-memory database.
    public static func open(path: String, creating: Bool = true, logger: Logger = Logger(label: "gp4u.sqlite"))
        async throws -> SQLiteDatabase
    {
        if !creating, path != ":memory:", !FileManager.default.fileExists(atPath: path) {
            throw StorageError.missingDatabase(where: path)
        }
        if path != ":memory:" {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try PrivateFiles.folder(dir) }
            try PrivateFiles.file(path, companions: ["-wal", "-shm"])
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: path == ":memory:" ? .memory : .file(path: path), logger: logger)
        } catch {
            throw StorageError.unavailable(detail: "cannot open SQLite database at \(path): \(error)")
        }
        let db = SQLiteDatabase(connection: connection, displayName: "sqlite:\(path)")
        // Statement journals in memory, a 64 MiB page cache and a 64 MiB WAL between
        // checkpoints: a chain backfill writes to several random-key indexes, and with the
        // defaults (2 MiB cache, checkpoint every 4 MiB) it spilled and re-wrote the same
        // pages over and over (the backfill took 45 s; with these, 29 s).
        for pragma in [
            "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 10000",
            "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -65536",
            "PRAGMA wal_autocheckpoint = 16384",
        ] {
            _ = try await db.raw(pragma, [])
        }
        return db
    }

    private init(connection: SQLiteConnection, displayName: String) {
        self.connection = connection
        self.displayName = displayName
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await lock.withLock { try await self.raw(sql, binds) }
    }

    public func withLease<T: Sendable>(
        _ key: Int64, heartbeat: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        try await body()
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await lock.withLock {
            _ = try await self.raw("BEGIN IMMEDIATE", [])
            do {
                let value = try await body(Inside(db: self))
                _ = try await self.raw("COMMIT", [])
                return value
            } catch {
                _ = try? await self.raw("ROLLBACK", [])
                throw error
            }
        }
    }

    public func run() async {}

    public func close() async {
        try? await connection.close()
    }

    /// Runs a statement without taking the lock; only for code already holding it.
    fileprivate func raw(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let data = binds.map(Self.data)
        let collected = RowCollector()
        do {
            try await connection.query(Self.rewritePlaceholders(sql), data) { row in collected.append(row) }
        } catch let error as SQLiteError {
            throw Self.map(error)
        }
        return collected.rows.withLock { $0.map(Self.row) }
    }

    private struct Inside: SQLExecutor {
        let db: SQLiteDatabase
        var dialect: SQLDialect { .sqlite }
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] { try await db.raw(sql, binds) }
    }

    /// `$1` → `?1`: SQLite treats `$1` as a *named* parameter numbered by first
    /// appearance, which would silently swap binds when `$2` appears before `$1`.
    static func rewritePlaceholders(_ sql: String) -> String {
        // Bytes, not Characters: batched statements run to tens of kilobytes.
        var inString = false
        let bytes = sql.utf8.map { b -> UInt8 in
            if b == UInt8(ascii: "'") { inString.toggle() }
            return b == UInt8(ascii: "$") && !inString ? UInt8(ascii: "?") : b
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func data(_ v: SQLValue) -> SQLiteData {
        switch v {
        case .int(let i): .integer(Int(i))
        case .text(let s): .text(s)
        case .double(let d): .float(d)
        case .bool(let b): .integer(b ? 1 : 0)
        case .null: .null
        }
    }

    private static func row(_ r: SQLiteRow) -> SQLRow {
        var columns: [String: SQLValue] = [:]
        for c in r.columns {
            switch c.data {
            case .integer(let i): columns[c.name] = .int(Int64(i))
            case .float(let d): columns[c.name] = .double(d)
            case .text(let s): columns[c.name] = .text(s)
            case .blob(let b): columns[c.name] = .text(String(buffer: b))
            case .null: columns[c.name] = .null
            }
        }
        return SQLRow(columns: columns)
    }

    static func map(_ e: SQLiteError) -> StorageError {
        switch e.reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintUniqueRowIDFailed:
            return .uniqueViolation(constraint: e.message, detail: e.message)
        case .constraintCheckFailed, .constraintTriggerFailed, .constraintNotNullFailed, .constraint:
            return .checkViolation(constraint: e.message, detail: e.message)
        case .constraintForeignKeyFailed:
            return .foreignKeyViolation(detail: e.message)
        case .busy, .busyTimeout, .locked, .busyInRecovery, .busyInSnapshot:
            return .conflict(detail: e.message)
        case .cantOpen, .ioError, .full, .readOnly:
            return .unavailable(detail: e.message)
        default:
            return .other(detail: "\(e.reason): \(e.message)")
        }
    }
}

/// Rows arrive through a `@Sendable` callback on the thread pool.
private final class RowCollector: Sendable {
    let rows = Mutex<[SQLiteRow]>([])
    func append(_ r: SQLiteRow) { rows.withLock { $0.append(r) } }
}

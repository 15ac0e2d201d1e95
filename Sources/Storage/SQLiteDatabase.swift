import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// The embedded default: one SQLite file in WAL mode, so `gp4u serve` needs nothing
/// installed. One writer connection, behind an async lock that makes write transactions
/// take turns, and a pool of read-only connections beside it: in WAL mode a reader sees
/// the last commit and never waits for the writer, so a request that only reads never
/// queues behind the market sync. Reads outside a transaction go to a reader; anything
/// inside a transaction (including `SQLStore.atomically`) stays on the writer, so it sees
/// its own uncommitted writes. A busy timeout covers other processes (the CLI) writing
/// the same file. A `:memory:` database is private to one connection: it has no readers.
public final class SQLiteDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    public let displayName: String
    private let connection: SQLiteConnection
    private let lock = AsyncLock()
    private let readers: SQLiteReaderPool?
    /// The threads every libsqlite3 call of this database runs on: one per connection, so
    /// a long write statement never holds up a reader's turn (NIO's shared pool has one
    /// thread per core).
    private let threadPool: NIOThreadPool
    /// An event loop per connection, apart from the HTTP server's: sqlite-nio hands each
    /// result row to its connection's loop as a task of its own, so reading 100,000 offers
    /// queued 100,000 tasks there, and whatever else ran on that loop (a request, the
    /// writer's commit) waited behind them all (the writer for 1.4 s in a debug build).
    private let loops: MultiThreadedEventLoopGroup
    /// Copies the WAL back into the database file every second while ``run()`` runs, so
    /// the writer's commits no longer do it: an automatic checkpoint of the 64 MiB WAL ran
    /// inside a commit and held the writer for 0.3-0.9 s. Nil for `:memory:`.
    private let checkpointer: SQLiteConnection?
    private let checkpointing = AsyncLock()
    private let closed = Atomic(false)

    /// Opens (and, if `creating`, creates) the database file; `path` of `:memory:` gives a
    /// private in-memory database. `readers` read-only connections serve reads outside
    /// transactions (at least one for a file; none for `:memory:`, whose data one connection holds).
    public static func open(
        path: String, creating: Bool = true, readers: Int = 4, logger: Logger = Logger(label: "gp4u.sqlite")
    ) async throws -> SQLiteDatabase {
        if !creating, path != ":memory:", !FileManager.default.fileExists(atPath: path) {
            throw StorageError.missingDatabase(where: path)
        }
        if path != ":memory:" {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try PrivateFiles.folder(dir) }
            try PrivateFiles.file(path, companions: ["-wal", "-shm"])
        }
        let readerCount = path == ":memory:" ? 0 : max(readers, 1)
        let helpers = path == ":memory:" ? 0 : 1
        let threadPool = NIOThreadPool(numberOfThreads: readerCount + helpers + 1)
        threadPool.start()
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: readerCount + helpers + 1)
        let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
        func connect() async throws -> SQLiteConnection {
            do {
                return try await SQLiteConnection.open(
                    storage: storage, threadPool: threadPool, logger: logger, on: loops.next())
            } catch {
                throw StorageError.unavailable(detail: "cannot open SQLite database at \(path): \(error)")
            }
        }
        var opened: [SQLiteConnection] = []
        do {
            let writer = try await connect()
            opened.append(writer)
            // Statement journals in memory, a 64 MiB page cache and a 64 MiB WAL between
            // checkpoints: a chain backfill writes to several random-key indexes, and with the
            // defaults (2 MiB cache, checkpoint every 4 MiB) it spilled and re-wrote the same
            // pages over and over (the backfill took 45 s; with these, 29 s).
            for pragma in [
                "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 10000",
                "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -65536",
                "PRAGMA wal_autocheckpoint = 16384",
            ] {
                _ = try await run(pragma, [], on: writer)
            }
            // Readers after the writer made the file WAL. `query_only` turns a write sent to a
            // reader by mistake into an error instead of a lock fight; their caches are smaller
            // (the OS caches the file for all of them).
            for _ in 0..<readerCount {
                let reader = try await connect()
                opened.append(reader)
                for pragma in [
                    "PRAGMA query_only = ON", "PRAGMA busy_timeout = 10000", "PRAGMA temp_store = MEMORY",
                    "PRAGMA cache_size = -8192",
                ] {
                    _ = try await run(pragma, [], on: reader)
                }
            }
            if helpers > 0 {
                let checkpointer = try await connect()
                opened.append(checkpointer)
                _ = try await run("PRAGMA busy_timeout = 10000", [], on: checkpointer)
            }
        } catch {
            for connection in opened { try? await connection.close() }
            try? await threadPool.shutdownGracefully()
            try? await loops.shutdownGracefully()
            throw error
        }
        return SQLiteDatabase(
            connection: opened[0],
            readers: readerCount > 0 ? SQLiteReaderPool(Array(opened[1...readerCount])) : nil,
            checkpointer: helpers > 0 ? opened.last : nil, threadPool: threadPool, loops: loops,
            displayName: "sqlite:\(path)")
    }

    private init(
        connection: SQLiteConnection, readers: SQLiteReaderPool?, checkpointer: SQLiteConnection?,
        threadPool: NIOThreadPool, loops: MultiThreadedEventLoopGroup, displayName: String
    ) {
        self.connection = connection
        self.readers = readers
        self.checkpointer = checkpointer
        self.threadPool = threadPool
        self.loops = loops
        self.displayName = displayName
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let asked = ContinuousClock.now
        if let readers, Self.isRead(sql) {
            return try await readers.withReader { reader in
                DatabaseWait.record(since: asked)
                return try await Self.run(sql, binds, on: reader)
            }
        }
        return try await lock.withLock {
            DatabaseWait.record(since: asked)
            return try await self.raw(sql, binds)
        }
    }

    /// Whether `sql` only reads: a lone SELECT. Anything else (including `WITH`, which may
    /// write, and pragmas) goes to the writer; a reader refuses writes anyway.
    static func isRead(_ sql: String) -> Bool {
        var bytes = sql.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") }
        for expected in "select".utf8 {
            guard let b = bytes.popFirst(), b | 0x20 == expected else { return false }
        }
        guard let next = bytes.first else { return true }
        return !(next | 0x20 >= UInt8(ascii: "a") && next | 0x20 <= UInt8(ascii: "z")) && next != UInt8(ascii: "_")
    }

    public func withLease<T: Sendable>(
        _ key: Int64, heartbeat: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        try await body()
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let asked = ContinuousClock.now
        return try await lock.withLock {
            DatabaseWait.record(since: asked)
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

    /// Checkpoints the WAL every second (PASSIVE: it never waits for the writer or the
    /// readers, and they never wait for it) until cancelled. Without it, SQLite's own
    /// automatic checkpoint (every 64 MiB of WAL) still runs, inside a commit.
    public func run() async {
        guard let checkpointer else { return }
        while (try? await Task.sleep(for: .seconds(1))) != nil {
            try? await checkpointing.withLock {
                guard !self.closed.load(ordering: .acquiring) else { return }
                _ = try await Self.run("PRAGMA wal_checkpoint(PASSIVE)", [], on: checkpointer)
            }
        }
    }

    public func close() async {
        if let checkpointer {
            try? await checkpointing.withLock {
                self.closed.store(true, ordering: .releasing)
                try await checkpointer.close()
            }
        }
        await readers?.close()
        try? await connection.close()
        try? await threadPool.shutdownGracefully()
        try? await loops.shutdownGracefully()
    }

    /// Runs a statement on the writer without taking the lock; only for code already holding it.
    fileprivate func raw(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await Self.run(sql, binds, on: connection)
    }

    private static func run(_ sql: String, _ binds: [SQLValue], on connection: SQLiteConnection) async throws
        -> [SQLRow]
    {
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

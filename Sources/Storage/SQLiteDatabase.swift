import Dispatch
import Foundation
import Logging
import Synchronization

/// The embedded default: one SQLite file in WAL mode, so `gp4u serve` needs nothing
/// installed. One writer connection, behind a pool of one that makes write transactions
/// take turns, and a pool of read-only connections beside it: in WAL mode a reader sees
/// the last commit and never waits for the writer, so a request that only reads never
/// queues behind the market sync. Reads outside a transaction go to a reader; anything
/// inside a transaction (including `SQLStore.atomically`) stays on the writer, so it sees
/// its own uncommitted writes. A busy timeout covers other processes (the CLI) writing
/// the same file. A `:memory:` database is private to one connection: it has no readers.
/// Statements run on the calling task's thread (see `SQLiteHandle`).
public final class SQLiteDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    public let displayName: String
    private let writer: SQLiteHandlePool
    private let readers: SQLiteHandlePool?
    /// Copies the WAL back into the database file every second while ``run()`` runs, so
    /// the writer's commits no longer do it: an automatic checkpoint of the 64 MiB WAL ran
    /// inside a commit and held the writer for 0.3-0.9 s. Nil for `:memory:`. It runs on a
    /// queue of its own, as the one statement here that waits for the disk (`fsync`).
    private let checkpointer: SQLiteHandle?
    private let checkpoints = DispatchQueue(label: "gp4u.sqlite.checkpoint")
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
        let inMemory = path == ":memory:"
        if !inMemory {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try PrivateFiles.folder(dir) }
            try PrivateFiles.file(path, companions: ["-wal", "-shm"])
        }
        let writer = try SQLiteHandle(path: path)
        // Statement journals in memory, a 64 MiB page cache and a 64 MiB WAL between
        // checkpoints: a chain backfill writes to several random-key indexes, and with the
        // defaults (2 MiB cache, checkpoint every 4 MiB) it spilled and re-wrote the same
        // pages over and over (the backfill took 45 s; with these, 29 s).
        // The busy timeout first: even reading the journal mode waits for a lock that another
        // process (fifty CLI approvals at once) may hold for a moment.
        for pragma in [
            "PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -65536",
            "PRAGMA wal_autocheckpoint = 16384",
        ] {
            _ = try writer.run(pragma, [])
        }
        // Readers after the writer made the file WAL. `query_only` turns a write sent to a
        // reader by mistake into an error instead of a lock fight; their caches are smaller
        // (the OS caches the file for all of them).
        let readerHandles = try (0..<(inMemory ? 0 : max(readers, 1))).map { _ in
            let reader = try SQLiteHandle(path: path)
            for pragma in [
                "PRAGMA query_only = ON", "PRAGMA busy_timeout = 10000", "PRAGMA temp_store = MEMORY",
                "PRAGMA cache_size = -8192",
            ] {
                _ = try reader.run(pragma, [])
            }
            return reader
        }
        let checkpointer = inMemory ? nil : try SQLiteHandle(path: path)
        _ = try checkpointer?.run("PRAGMA busy_timeout = 10000", [])
        return SQLiteDatabase(
            writer: SQLiteHandlePool([writer]), readers: readerHandles.isEmpty ? nil : SQLiteHandlePool(readerHandles),
            checkpointer: checkpointer, displayName: "sqlite:\(path)")
    }

    private init(
        writer: SQLiteHandlePool, readers: SQLiteHandlePool?, checkpointer: SQLiteHandle?, displayName: String
    ) {
        self.writer = writer
        self.readers = readers
        self.checkpointer = checkpointer
        self.displayName = displayName
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let asked = ContinuousClock.now
        return try await (Self.isRead(sql) ? readers ?? writer : writer).withHandle { handle in
            DatabaseWait.record(since: asked)
            return try handle.run(sql, binds)
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
        return try await writer.withHandle { handle in
            DatabaseWait.record(since: asked)
            _ = try handle.run("BEGIN IMMEDIATE", [])
            do {
                let value = try await body(Inside(handle: handle))
                _ = try handle.run("COMMIT", [])
                return value
            } catch {
                _ = try? handle.run("ROLLBACK", [])
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
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                checkpoints.async {
                    if !self.closed.load(ordering: .acquiring) {
                        _ = try? checkpointer.run("PRAGMA wal_checkpoint(PASSIVE)", [])
                    }
                    done.resume()
                }
            }
        }
    }

    public func close() async {
        if let checkpointer {
            checkpoints.sync {
                closed.store(true, ordering: .releasing)
                checkpointer.close()
            }
        }
        readers?.close()
        writer.close()
    }

    private struct Inside: SQLExecutor {
        let handle: SQLiteHandle
        var dialect: SQLDialect { .sqlite }
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] { try handle.run(sql, binds) }
    }
}

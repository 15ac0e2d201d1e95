import Foundation
import Logging

/// Applies pending migrations in order. Safe to run concurrently from several processes:
/// each step re-checks inside its transaction, under SQLite's write lock or a PostgreSQL
/// advisory lock, so a version is never applied twice.
public struct Migrator: Sendable {
    public let migrations: [Migration]
    let logger: Logger

    public init(migrations: [Migration] = Schema.migrations, logger: Logger = Logger(label: "gp4u.migrate")) {
        precondition(
            zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version },
            "migrations must be in increasing version order")
        self.migrations = migrations
        self.logger = logger
    }

    /// Returns the versions applied by this call (empty when the schema was current).
    @discardableResult
    public func migrate(_ db: any SQLDatabase) async throws -> [Int] {
        try await db.query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
        )
        var applied: [Int] = []
        for migration in migrations {
            let did = try await db.transaction { tx in
                if tx.dialect == .postgres {
                    try await tx.query("SELECT pg_advisory_xact_lock(74230001)")
                }
                if try await tx.first(
                    "SELECT version FROM schema_migrations WHERE version = $1", [.int(Int64(migration.version))]) != nil
                {
                    return false
                }
                for statement in migration.statements(for: tx.dialect) {
                    do {
                        try await tx.query(statement)
                    } catch let e as StorageError {
                        throw StorageError.migration(version: migration.version, detail: e.debugDescription)
                    }
                }
                try await tx.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.int(Int64(migration.version)), .text(migration.name), .int(Int64(Date().timeIntervalSince1970))])
                return true
            }
            if did {
                logger.info(
                    "applied migration",
                    metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// Refuses a database whose schema is not exactly this build's (behind: run
    /// `gp4u migrate`; ahead: a newer gp4u wrote it), changing nothing: what commands
    /// that must not migrate check first.
    public func requireCurrent(_ db: any SQLDatabase) async throws {
        let latest = migrations.last?.version ?? 0
        let exists =
            db.dialect == .postgres
            ? try await db.first("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")?.bool("present")
                ?? false
            : try await db.first(
                "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
                != nil
        let applied = exists ? try await appliedVersions(db) : []
        guard applied == migrations.map(\.version) else {
            throw StorageError.schemaMismatch(applied: applied.last ?? 0, required: latest)
        }
    }

    /// Versions recorded as applied, in order.
    public func appliedVersions(_ db: any SQLDatabase) async throws -> [Int] {
        try await db.query("SELECT version FROM schema_migrations ORDER BY version").map { Int(try $0.int("version")) }
    }
}

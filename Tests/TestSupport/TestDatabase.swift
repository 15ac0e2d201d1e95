import Foundation
import Logging
import Storage

/// The databases the conformance suite runs on: SQLite always, PostgreSQL when
/// `GP4U_TEST_DATABASE_URL` points at a server where the role may create databases.
public enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres

    public static var available: [Backend] {
        ProcessInfo.processInfo.environment["GP4U_TEST_DATABASE_URL"].map {
            $0.isEmpty ? [.sqlite] : [.sqlite, .postgres]
        }
            ?? [.sqlite]
    }

    public var description: String { rawValue }
}

/// A fresh, empty database per test (a temp SQLite file, or a new PostgreSQL database
/// dropped afterwards), so tests never see each other's rows.
public enum TestDatabase {
    public static let logger: Logger = {
        var l = Logger(label: "gp4u.test")
        l.logLevel = .warning
        return l
    }()

    public static func with<T: Sendable>(
        _ backend: Backend, migrated: Bool = true, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        print("store conformance: running on \(backend)")
        switch backend {
        case .sqlite:
            return try await ScratchDatabase.directory(prefix: "gp4u-test") { dir in
                try await withDatabase(.sqlite(path: dir + "/test.sqlite"), logger: logger) { db in
                    if migrated { try await Migrator().migrate(db) }
                    return try await body(db)
                }
            }
        case .postgres:
            let admin = ProcessInfo.processInfo.environment["GP4U_TEST_DATABASE_URL"]!
            return try await ScratchDatabase.postgres(admin: admin, prefix: "gp4u_t", logger: logger) { url in
                try await withDatabase(.postgres(url: url), logger: logger) { db in
                    if migrated { try await Migrator().migrate(db) }
                    return try await body(db)
                }
            }
        }
    }
}

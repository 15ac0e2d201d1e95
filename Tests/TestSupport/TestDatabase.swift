import Foundation
import Logging
import Storage

/// The databases the conformance suite runs on: SQLite always, PostgreSQL when
/// `GP4U_TEST_DATABASE_URL` points at a server where the role may create databases.
public enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres

    public static var available: [Backend] {
        ProcessInfo.processInfo.environment["GP4U_TEST_DATABASE_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] }
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
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp4u-test-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            return try await withDatabase(.sqlite(path: dir.path + "/test.sqlite"), logger: logger) { db in
                if migrated { try await Migrator().migrate(db) }
                return try await body(db)
            }
        case .postgres:
            let admin = ProcessInfo.processInfo.environment["GP4U_TEST_DATABASE_URL"]!
            let name = "gp4u_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            _ = try await withDatabase(.postgres(url: admin), logger: logger) { try await $0.query("CREATE DATABASE \(name)") }
            let result: Result<T, any Error>
            do {
                result = .success(
                    try await withDatabase(.postgres(url: replacingDatabase(in: admin, with: name)), logger: logger) { db in
                        if migrated { try await Migrator().migrate(db) }
                        return try await body(db)
                    })
            } catch {
                result = .failure(error)
            }
            _ = try? await withDatabase(.postgres(url: admin), logger: logger) {
                try await $0.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            }
            return try result.get()
        }
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        var parts = URLComponents(string: url)!
        parts.path = "/" + name
        return parts.string!
    }
}

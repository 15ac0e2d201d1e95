import Foundation
import Logging
import Storage

/// Databases a benchmark makes for itself and removes afterwards, failed or not: one
/// backfill leaves well over 100 MB behind.
enum Scratch {
    /// Runs `body` with a new directory under the temporary one, then deletes it.
    static func directory<T>(_ body: (String) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp4u-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try await body(dir)
    }

    /// Runs `body` with the URL of a new database on `admin`'s PostgreSQL server (a role
    /// that may create databases), then drops it.
    static func postgres<T>(admin: String, logger: Logger, _ body: (String) async throws -> T) async throws -> T {
        let name = "gp4u_bench_\(UInt32.random(in: 0...UInt32.max))"
        _ = try await withDatabase(.postgres(url: admin), logger: logger) { try await $0.query("CREATE DATABASE \(name)") }
        var parts = URLComponents(string: admin)!
        parts.path = "/" + name
        let result: Result<T, any Error>
        do { result = .success(try await body(parts.string!)) } catch { result = .failure(error) }
        _ = try? await withDatabase(.postgres(url: admin), logger: logger) { try await $0.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        return try result.get()
    }
}

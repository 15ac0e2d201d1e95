import Foundation
import Logging

/// Databases made for one run (a test, a benchmark) and removed after it, failed or
/// not: a benchmark's backfill alone leaves well over 100 MB behind.
public enum ScratchDatabase {
    /// Runs `body` with a new directory under the temporary one, then deletes it.
    public static func directory<T>(prefix: String, _ body: (String) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try await body(dir)
    }

    /// Runs `body` with the URL of a new database on `admin`'s PostgreSQL server (a role
    /// that may create databases), then drops it.
    public static func postgres<T>(admin: String, prefix: String, logger: Logger, _ body: (String) async throws -> T)
        async throws -> T
    {
        let name = prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        _ = try await withDatabase(.postgres(url: admin), logger: logger) {
            try await $0.query("CREATE DATABASE \(name)")
        }
        var parts = URLComponents(string: admin)!
        parts.path = "/" + name
        let result: Result<T, any Error>
        do { result = .success(try await body(parts.string!)) } catch { result = .failure(error) }
        _ = try? await withDatabase(.postgres(url: admin), logger: logger) {
            try await $0.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        return try result.get()
    }
}

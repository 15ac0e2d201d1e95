import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The data folder holds password hashes, the ledger and the JWT secret: it is made
/// owner-only (0700), and so are its files (0600), also when an older version left
/// them readable by every local user.
public enum PrivateFiles {
    /// Creates `dir` as 0700, or takes group and other access away from an existing one.
    public static func folder(_ dir: String) throws {
        if FileManager.default.fileExists(atPath: dir) {
            tighten(dir)
        } else {
            try FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// Creates an empty `path` as 0600 if it is missing (so SQLite, which gives its WAL
    /// and shared-memory files the database file's mode, never makes a readable one), or
    /// tightens it and any of `companions` (suffixes such as `-wal`) that exist.
    public static func file(_ path: String, companions: [String] = []) throws {
        if FileManager.default.fileExists(atPath: path) {
            for p in [path] + companions.map({ path + $0 }) where FileManager.default.fileExists(atPath: p) {
                tighten(p)
            }
        } else if !FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw StorageError.unavailable(detail: "cannot create \(path)")
        }
    }

    private static func tighten(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        _ = chmod(path, info.st_mode & 0o700)
    }
}

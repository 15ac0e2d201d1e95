import Foundation
import Storage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The SQLite data folder and its files are the owner's alone.
@Suite("Private data files")
struct PrivateFilesTests {
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        #expect(stat(path, &info) == 0, "\(path) exists")
        return info.st_mode & 0o777
    }

    static func scratch() -> String {
        NSTemporaryDirectory() + "gp4u-private-\(UUID().uuidString)"
    }

    @Test("a new database: folder 0700, database, WAL and shared-memory files 0600, whatever the umask")
    func newDatabase() async throws {
        let root = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let old = umask(0o022)
        defer { umask(old) }
        let path = root + "/data/gp4u.sqlite"
        let db = try await SQLiteDatabase.open(path: path)
        _ = try await db.query("CREATE TABLE t (x INTEGER)", [])
        _ = try await db.query("INSERT INTO t VALUES (1)", [])
        #expect(Self.mode(root + "/data") == 0o700)
        for file in [path, path + "-wal", path + "-shm"] { #expect(Self.mode(file) == 0o600, "\(file)") }
        await db.close()
    }

    @Test("files an older version left readable are tightened when the database is opened")
    func existingDatabase() async throws {
        let root = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/gp4u.sqlite"
        let first = try await SQLiteDatabase.open(path: path)
        _ = try await first.query("CREATE TABLE t (x INTEGER)", [])
        await first.close()
        #expect(chmod(root, 0o755) == 0 && chmod(path, 0o644) == 0)
        let again = try await SQLiteDatabase.open(path: path, creating: false)
        #expect(Self.mode(root) == 0o700)
        #expect(Self.mode(path) == 0o600)
        await again.close()
    }
}

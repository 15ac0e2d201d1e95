import Ethereum
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Keystore {
    /// Writes a keystore document to `path` atomically with mode 0600: a temporary file in
    /// the same directory is written, flushed, read back and compared, then renamed into
    /// place. An existing file is never replaced (losing a key file loses the funds).
    public static func write(_ json: Data, to path: String) throws(KeystoreError) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw .io("\(path) already exists; refusing to overwrite a key file")
        }
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .io("cannot create a file in \(dir.isEmpty ? "." : dir): \(String(cString: strerror(errno)))")
        }
        var ok = json.withUnsafeBytes { raw -> Bool in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { return false }
                off += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, let back = FileManager.default.contents(atPath: tmp), back == json else {
            unlink(tmp)
            throw .io("writing \(path) failed")
        }
        guard link(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw .io("cannot create \(path): \(why)")
        }
        unlink(tmp)
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    /// Reads and decrypts a keystore file.
    public static func read(path: String, password: [UInt8]) throws(KeystoreError) -> PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw .io("cannot read \(path)") }
        return try decrypt(json: data, password: password)
    }

    /// The address recorded in a keystore file, without decrypting it.
    public static func address(path: String) throws(KeystoreError) -> Address? {
        guard let data = FileManager.default.contents(atPath: path) else { throw .io("cannot read \(path)") }
        return try KeystoreFile.parse(data).address
    }
}

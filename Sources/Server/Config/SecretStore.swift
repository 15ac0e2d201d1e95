import Foundation
import Storage

/// The JWT secret when `GP4U_JWT_SECRET` is unset: generated once from the OS CSPRNG and
/// kept in the data folder (mode 0600), so tokens survive restarts.
public enum SecretStore {
    public static func jwtSecret(dataDir: String) throws -> (secret: String, generated: Bool) {
        let path = dataDir + "/jwt-secret"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines),
            existing.utf8.count >= 32
        {
            return (existing, false)
        }
        try PrivateFiles.folder(dataDir)
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let secret = bytes.map { String(format: "%02x", $0) }.joined()
        let tmp = path + ".tmp-\(getpid())"
        guard
            FileManager.default.createFile(
                atPath: tmp, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw ConfigError("GP4U_DATA_DIR", "cannot write \(path)")
        }
        if rename(tmp, path) != 0 { throw ConfigError("GP4U_DATA_DIR", "cannot write \(path)") }
        return (secret, true)
    }
}

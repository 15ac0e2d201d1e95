import Foundation

extension Keystore {
    /// The password in the first line of `path` (geth's convention: a trailing CR/LF is
    /// not part of it). Passwords are bytes, UTF-8 without normalisation, as every
    /// keystore implementation treats them; the caller zeroes them after use.
    public static func password(fromFile path: String) throws(KeystoreError) -> [UInt8] {
        guard var data = FileManager.default.contents(atPath: path).map({ Array($0) }) else {
            throw .io("cannot read password file \(path)")
        }
        defer { for i in data.indices { data[i] = 0 } }
        let line = data.split(separator: 0x0a, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        var password = Array(line)
        if password.last == 0x0d { password.removeLast() }
        return password
    }
}

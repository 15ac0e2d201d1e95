import Crypto
import Ethereum
import Foundation
import _CryptoExtras

/// Web3 Secret Storage (keystore v3) files, compatible with geth, eth-keyfile and ethers.
///
/// Decryption reads every parameter from the file (never assuming geth's defaults),
/// checks the MAC in constant time before decrypting, left-pads short keys and checks the
/// derived address against the file's. Encryption uses geth's standard scrypt cost
/// (n = 2^18, r = 8, p = 1) with a fresh salt and IV.
public enum Keystore {
    /// scrypt cost parameters.
    public struct ScryptParameters: Sendable, Hashable {
        public var n: Int
        public var r: Int
        public var p: Int

        public init(n: Int, r: Int, p: Int) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// geth's standard parameters.
        public static let standard = ScryptParameters(n: 1 << 18, r: 8, p: 1)
        /// geth's "light" parameters, for tests and low-value keys.
        public static let light = ScryptParameters(n: 1 << 12, r: 8, p: 6)
    }

    /// Largest scrypt or PBKDF2 work accepted from a file, so a hostile file cannot make
    /// the daemon allocate gigabytes or spin for hours.
    public static let maxScryptMemory = 1 << 30
    public static let maxPBKDF2Iterations = 10_000_000

    /// Decrypts a keystore JSON document with `password` (its raw UTF-8 bytes).
    public static func decrypt(json: Data, password: [UInt8]) throws(KeystoreError) -> PrivateKey {
        let file = try KeystoreFile.parse(json)
        var derived = try deriveKey(file.kdf, password: password)
        defer { SecretBytes.zero(&derived) }
        return try decrypt(file, derivedKey: derived)
    }

    /// Everything after the key derivation: MAC check, AES-128-CTR, padding, address check.
    static func decrypt(_ file: KeystoreFile, derivedKey derived: [UInt8]) throws(KeystoreError) -> PrivateKey {
        guard derived.count >= 32 else { throw .unsupportedKDF("dklen must be at least 32") }
        let mac = Keccak256.hash(derived[16..<32] + file.ciphertext)
        guard constantTimeEqual(mac, file.mac) else { throw .wrongPasswordOrCorrupt }
        var plain = try aesCTR(key: Array(derived[0..<16]), iv: file.iv, file.ciphertext)
        defer { SecretBytes.zero(&plain) }
        guard plain.count <= 32 else { throw .malformed("ciphertext is longer than a private key") }
        var padded = [UInt8](repeating: 0, count: 32 - plain.count) + plain
        defer { SecretBytes.zero(&padded) }
        let key: PrivateKey
        do { key = try PrivateKey(bytes: padded) } catch { throw .invalidKey }
        if let expected = file.address, expected != key.address { throw .addressMismatch }
        return key
    }

    /// Encrypts `key` into a keystore v3 JSON document (scrypt, aes-128-ctr).
    public static func encrypt(_ key: PrivateKey, password: [UInt8], scrypt: ScryptParameters = .standard)
        throws(KeystoreError) -> Data
    {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let iv = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let kdf = KeystoreFile.KDF.scrypt(n: scrypt.n, r: scrypt.r, p: scrypt.p, dklen: 32, salt: salt)
        var derived = try deriveKey(kdf, password: password)
        defer { SecretBytes.zero(&derived) }
        let ciphertext = try key.withUnsafeBytes { (raw) throws(KeystoreError) -> [UInt8] in
            try aesCTR(key: Array(derived[0..<16]), iv: iv, Array(raw))
        }
        // Verify before anything is written: the ciphertext must decrypt back to the key.
        var check = try aesCTR(key: Array(derived[0..<16]), iv: iv, ciphertext)
        defer { SecretBytes.zero(&check) }
        guard key.withUnsafeBytes({ constantTimeEqual(Array($0), check) }) else {
            throw .malformed("encryption self-check failed")
        }
        let mac = Keccak256.hash(derived[16..<32] + ciphertext)
        let file = KeystoreFile(address: key.address, kdf: kdf, iv: iv, ciphertext: ciphertext, mac: mac, id: UUID())
        return file.json()
    }

    static func deriveKey(_ kdf: KeystoreFile.KDF, password: [UInt8]) throws(KeystoreError) -> [UInt8] {
        switch kdf {
        case .scrypt(let n, let r, let p, let dklen, let salt):
            guard n >= 2, n & (n - 1) == 0 else { throw .unsupportedKDF("scrypt n must be a power of two >= 2") }
            guard r >= 1, p >= 1, r <= 1024, p <= 1024 else {
                throw .unsupportedKDF("scrypt r and p must be between 1 and 1024")
            }
            guard dklen >= 32, dklen <= 1024 else { throw .unsupportedKDF("dklen must be between 32 and 1024") }
            let (mem, o) = (128 * r).multipliedReportingOverflow(by: n)
            guard !o, mem <= maxScryptMemory else { throw .unsupportedKDF("scrypt memory cost above 1 GiB") }
            // RFC 7914 requires n < 2^(16 r); BoringSSL enforces it. Only r = 1 with n >= 2^16
            // is affected (the original wiki vector; no wallet writes such files today).
            guard 16 * r > 63 || n < 1 << (16 * r) else {
                throw .unsupportedKDF(
                    "scrypt n=\(n) with r=\(r) violates RFC 7914 (n < 2^(16r)); re-encrypt the key with geth's standard parameters"
                )
            }
            do {
                let key = try KDF.Scrypt.deriveKey(
                    from: password, salt: salt, outputByteCount: dklen, rounds: n, blockSize: r, parallelism: p)
                return key.withUnsafeBytes { Array($0) }
            } catch {
                throw .unsupportedKDF("scrypt refused the parameters")
            }
        case .pbkdf2(let c, let dklen, let salt):
            guard c >= 1, c <= maxPBKDF2Iterations else {
                throw .unsupportedKDF("pbkdf2 iterations must be between 1 and \(maxPBKDF2Iterations)")
            }
            guard dklen >= 32, dklen <= 1024 else { throw .unsupportedKDF("dklen must be between 32 and 1024") }
            do {
                let key = try KDF.Insecure.PBKDF2.deriveKey(
                    from: password, salt: salt, using: .sha256, outputByteCount: dklen, unsafeUncheckedRounds: c)
                return key.withUnsafeBytes { Array($0) }
            } catch {
                throw .unsupportedKDF("pbkdf2 refused the parameters")
            }
        }
    }

    static func aesCTR(key: [UInt8], iv: [UInt8], _ input: [UInt8]) throws(KeystoreError) -> [UInt8] {
        do {
            let nonce = try AES._CTR.Nonce(nonceBytes: iv)
            return Array(try AES._CTR.encrypt(input, using: SymmetricKey(data: key), nonce: nonce))
        } catch {
            throw .malformed("cipherparams.iv must be 16 bytes")
        }
    }

    /// Compares without an early exit, so timing does not reveal how much of a MAC matched.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

/// Why a keystore could not be read, decrypted or written. Never includes the password
/// or key material.
public enum KeystoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupportedVersion
    case unsupportedCipher(String)
    case unsupportedKDF(String)
    case wrongPasswordOrCorrupt
    case invalidKey
    case addressMismatch
    case io(String)

    public var description: String {
        switch self {
        case .malformed(let why): "keystore file is malformed: \(why)"
        case .unsupportedVersion: "keystore version is not 3"
        case .unsupportedCipher(let c): "keystore cipher \(c) is not supported (only aes-128-ctr)"
        case .unsupportedKDF(let why): "keystore key derivation is not supported: \(why)"
        case .wrongPasswordOrCorrupt: "wrong password, or the keystore file is corrupted (MAC mismatch)"
        case .invalidKey: "keystore decrypted to an invalid private key"
        case .addressMismatch: "keystore address does not match the decrypted key"
        case .io(let why): "keystore file: \(why)"
        }
    }
}

import Ethereum
import Foundation
import TestSupport
import Testing

@testable import Signer

struct KeystoreFileVectors: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let passwordHex: String?
        let password: String
        let keystore: JSONValue
        let privateKey: String?
        let address: String?
        let derivedKey: String?
        var testDescription: String { name }
        var passwordBytes: [UInt8] { passwordHex.map { [UInt8](hex: $0) } ?? Array(password.utf8) }
        var json: Data { try! JSONSerialization.data(withJSONObject: keystore.any) }
    }
    let vectors: [Vector]
    let invalid: [Vector]
}

/// Any JSON value, kept so a keystore can be re-serialised exactly as published.
enum JSONValue: Decodable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    var any: Any {
        switch self {
        case .string(let s): s
        case .number(let n): n == n.rounded() ? Int(n) as Any : n as Any
        case .bool(let b): b
        case .null: NSNull()
        case .array(let a): a.map(\.any)
        case .object(let o): o.mapValues(\.any)
        }
    }
}

@Suite("Keystore v3")
struct KeystoreTests {
    static let file: KeystoreFileVectors = {
        let decoder = JSONDecoder()
        // Keep "Crypto" vs "crypto" and nested snake_case keys exactly as published.
        let data = try! Data(contentsOf: Vectors.directory.appendingPathComponent("keystore_v3.json"))
        struct Raw: Decodable {
            struct V: Decodable {
                struct Intermediates: Decodable { let derived_key: String }
                let name: String
                let password: String
                let password_hex: String?
                let keystore: JSONValue
                let private_key: String?
                let address: String?
                let intermediates: Intermediates?
            }
            let vectors: [V]
            let invalid: [V]
        }
        let raw = try! decoder.decode(Raw.self, from: data)
        let map = { (v: Raw.V) in
            KeystoreFileVectors.Vector(
                name: v.name, passwordHex: v.password_hex, password: v.password, keystore: v.keystore,
                privateKey: v.private_key, address: v.address, derivedKey: v.intermediates?.derived_key)
        }
        return KeystoreFileVectors(vectors: raw.vectors.map(map), invalid: raw.invalid.map(map))
    }()

    /// RFC 7914 requires n < 2^(16 r); BoringSSL enforces it, so files with r = 1 and
    /// n >= 2^16 are refused with an explicit message instead of being decrypted.
    static func violatesRFC7914(_ v: KeystoreFileVectors.Vector) -> Bool {
        guard case .object(let root) = v.keystore, case .object(let crypto)? = root["crypto"] ?? root["Crypto"],
            case .object(let kp)? = crypto["kdfparams"], case .number(let n)? = kp["n"], case .number(let r)? = kp["r"]
        else { return false }
        return r == 1 && n >= 65536
    }

    /// Work above this (scrypt n·r·p, or PBKDF2 iterations) takes seconds in a debug build,
    /// where BoringSSL is compiled without optimisation; such vectors run their KDF only
    /// with GP4U_LONG_TESTS=1 and otherwise check everything after it from the published
    /// derived key.
    static func isHeavy(_ v: KeystoreFileVectors.Vector) -> Bool {
        guard case .object(let root) = v.keystore, case .object(let crypto)? = root["crypto"] ?? root["Crypto"],
            case .object(let kp)? = crypto["kdfparams"]
        else { return false }
        func num(_ k: String) -> Double { if case .number(let n)? = kp[k] { return n } else { return 1 } }
        return kp["c"] != nil ? num("c") > 20_000 : num("n") * num("r") * num("p") > 65_536
    }

    static let longTests = ProcessInfo.processInfo.environment["GP4U_LONG_TESTS"] != nil

    func checkDecrypts(_ v: KeystoreFileVectors.Vector) throws {
        if Self.violatesRFC7914(v) {
            #expect(throws: KeystoreError.self) { try Keystore.decrypt(json: v.json, password: v.passwordBytes) }
            return
        }
        let key = try Keystore.decrypt(json: v.json, password: v.passwordBytes)
        #expect(key.address == (try PrivateKey(hex: v.privateKey!)).address)
        if let a = v.address { #expect(key.address == (try Address(parsing: a.hasPrefix("0x") ? a : "0x" + a))) }
    }

    @Test(
        "decrypt every published keystore with light work factors",
        arguments: KeystoreTests.file.vectors.filter { !isHeavy($0) })
    func decryptLight(_ v: KeystoreFileVectors.Vector) throws { try checkDecrypts(v) }

    @Test(
        "decrypt every published keystore with heavy work factors", .enabled(if: longTests),
        arguments: KeystoreTests.file.vectors.filter(isHeavy))
    func decryptHeavy(_ v: KeystoreFileVectors.Vector) throws { try checkDecrypts(v) }

    /// MAC check, AES-CTR (including the IV wrap), padding and the address check for every
    /// vector, from the published derived key (fast at any work factor).
    @Test("decrypt from the published derived key", arguments: KeystoreTests.file.vectors)
    func fromDerivedKey(_ v: KeystoreFileVectors.Vector) throws {
        let file = try KeystoreFile.parse(v.json)
        let key = try Keystore.decrypt(file, derivedKey: [UInt8](hex: try #require(v.derivedKey)))
        #expect(key.address == (try PrivateKey(hex: v.privateKey!)).address)
        var wrong = [UInt8](hex: v.derivedKey!)
        wrong[20] ^= 1
        #expect(throws: KeystoreError.wrongPasswordOrCorrupt) { try Keystore.decrypt(file, derivedKey: wrong) }
    }

    @Test(
        "refuse wrong passwords, tampering and the ethereum.org erratum",
        arguments: KeystoreTests.file.invalid.filter { !isHeavy($0) || longTests })
    func invalid(_ v: KeystoreFileVectors.Vector) {
        #expect(throws: KeystoreError.wrongPasswordOrCorrupt) {
            try Keystore.decrypt(json: v.json, password: v.passwordBytes)
        }
    }

    @Test("the standard parameters are geth's")
    func standardParameters() {
        #expect(Keystore.ScryptParameters.standard == .init(n: 262_144, r: 8, p: 1))
    }

    @Test("encrypt then decrypt, with fresh salt and IV each time")
    func roundTrip() throws {
        let key = PrivateKey.generate()
        let pw = Array("pässword".utf8)
        let a = try Keystore.encrypt(key, password: pw, scrypt: .init(n: 1024, r: 8, p: 1))
        let b = try Keystore.encrypt(key, password: pw, scrypt: .init(n: 1024, r: 8, p: 1))
        #expect(a != b)
        #expect(try Keystore.decrypt(json: a, password: pw).address == key.address)
        #expect(throws: KeystoreError.wrongPasswordOrCorrupt) {
            try Keystore.decrypt(json: a, password: Array("password".utf8))
        }
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.contains("\"n\":1024") && text.contains("\"version\":3"))
    }

    @Test("default parameters are geth's standard scrypt (n = 2^18, r = 8, p = 1)", .enabled(if: longTests))
    func standardDefault() throws {
        let key = PrivateKey.generate()
        let json = try Keystore.encrypt(key, password: [1, 2, 3])
        let o = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        let kp = (o["crypto"] as! [String: Any])["kdfparams"] as! [String: Any]
        #expect(kp["n"] as? Int == 262_144 && kp["r"] as? Int == 8 && kp["p"] as? Int == 1)
        #expect(try Keystore.decrypt(json: json, password: [1, 2, 3]).address == key.address)
    }

    @Test("files are written atomically with mode 0600 and never overwritten")
    func files() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp4u-ks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("key.json").path
        let key = PrivateKey.generate()
        let json = try Keystore.encrypt(key, password: [7], scrypt: .init(n: 16, r: 8, p: 1))
        try Keystore.write(json, to: path)
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        #expect(try Keystore.read(path: path, password: [7]).address == key.address)
        #expect(try Keystore.address(path: path) == key.address)
        #expect(throws: KeystoreError.self) { try Keystore.write(json, to: path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["key.json"])
    }

    @Test(
        "malformed keystore JSON says what is wrong",
        arguments: [
            ("not json", "not valid JSON"),
            ("[]", "top level"),
            ("{\"version\":3}", "crypto"),
            ("{\"version\":4,\"crypto\":{}}", "version"),
            ("{\"crypto\":{\"cipher\":\"aes-256-gcm\"}}", "aes-256-gcm"),
            ("{\"crypto\":{\"cipher\":\"aes-128-ctr\",\"cipherparams\":{\"iv\":\"00\"}}}", "iv"),
        ])
    func malformed(_ json: String, _ mention: String) {
        do {
            _ = try Keystore.decrypt(json: Data(json.utf8), password: [])
            Issue.record("accepted malformed keystore")
        } catch {
            #expect(error.description.contains(mention))
        }
    }
}

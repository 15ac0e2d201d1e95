import Ethereum
import Foundation

/// The fields of a keystore v3 document, validated at parse time.
struct KeystoreFile: Sendable {
    enum KDF: Sendable, Hashable {
        case scrypt(n: Int, r: Int, p: Int, dklen: Int, salt: [UInt8])
        case pbkdf2(c: Int, dklen: Int, salt: [UInt8])
    }

    var address: Address?
    var kdf: KDF
    var iv: [UInt8]
    var ciphertext: [UInt8]
    var mac: [UInt8]
    var id: UUID?

    /// Parses a document; accepts `Crypto` for `crypto` (MyEtherWallet) and a missing
    /// `address`, `id` or `version`, as published files do.
    static func parse(_ json: Data) throws(KeystoreError) -> KeystoreFile {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: json) } catch { throw .malformed("not valid JSON") }
        guard let root = any as? [String: Any] else { throw .malformed("top level must be a JSON object") }
        if let version = root["version"] {
            guard let v = version as? Int, v == 3 else { throw .unsupportedVersion }
        }
        guard let crypto = (root["crypto"] ?? root["Crypto"]) as? [String: Any] else {
            throw .malformed("missing \"crypto\" object")
        }
        guard let cipher = crypto["cipher"] as? String else { throw .malformed("missing crypto.cipher") }
        guard cipher == "aes-128-ctr" else { throw .unsupportedCipher(String(cipher.prefix(40))) }
        guard let params = crypto["cipherparams"] as? [String: Any] else {
            throw .malformed("missing crypto.cipherparams")
        }
        let iv = try hex(params["iv"], "cipherparams.iv")
        guard iv.count == 16 else { throw .malformed("cipherparams.iv must be 16 bytes") }
        let ciphertext = try hex(crypto["ciphertext"], "ciphertext")
        guard !ciphertext.isEmpty, ciphertext.count <= 32 else { throw .malformed("ciphertext must be 1 to 32 bytes") }
        let mac = try hex(crypto["mac"], "mac")
        guard mac.count == 32 else { throw .malformed("mac must be 32 bytes") }
        guard let kdfName = crypto["kdf"] as? String else { throw .malformed("missing crypto.kdf") }
        guard let kp = crypto["kdfparams"] as? [String: Any] else { throw .malformed("missing crypto.kdfparams") }
        let salt = try hex(kp["salt"], "kdfparams.salt")
        let dklen = try int(kp["dklen"], "kdfparams.dklen")
        let kdf: KDF
        switch kdfName {
        case "scrypt":
            kdf = .scrypt(
                n: try int(kp["n"], "kdfparams.n"), r: try int(kp["r"], "kdfparams.r"),
                p: try int(kp["p"], "kdfparams.p"), dklen: dklen, salt: salt)
        case "pbkdf2":
            guard let prf = kp["prf"] as? String, prf == "hmac-sha256" else {
                throw .unsupportedKDF("pbkdf2 prf must be hmac-sha256")
            }
            kdf = .pbkdf2(c: try int(kp["c"], "kdfparams.c"), dklen: dklen, salt: salt)
        default:
            throw .unsupportedKDF("kdf \(kdfName.prefix(40)) is not scrypt or pbkdf2")
        }
        var address: Address?
        if let a = root["address"] {
            guard let s = a as? String else { throw .malformed("address must be a string") }
            do { address = try Address(parsing: s.hasPrefix("0x") ? s : "0x" + s) } catch {
                throw .malformed("address: \(error)")
            }
        }
        let id = (root["id"] as? String).flatMap(UUID.init(uuidString:))
        return KeystoreFile(address: address, kdf: kdf, iv: iv, ciphertext: ciphertext, mac: mac, id: id)
    }

    static func hex(_ value: Any?, _ name: String) throws(KeystoreError) -> [UInt8] {
        guard let s = value as? String else { throw .malformed("missing \(name)") }
        do { return try Hex.decode(s, prefix: .optional) } catch { throw .malformed("\(name): \(error)") }
    }

    static func int(_ value: Any?, _ name: String) throws(KeystoreError) -> Int {
        guard let n = value as? NSNumber else { throw .malformed("missing or non-integer \(name)") }
        let d = n.doubleValue
        guard d.rounded() == d, d >= 0, d <= Double(Int32.max) else {
            throw .malformed("\(name) must be a non-negative integer")
        }
        return n.intValue
    }

    /// The document geth writes: lowercase address without `0x`, `crypto`, UUID id, version 3.
    func json() -> Data {
        let kdfName: String
        let kdfparams: [String: Any]
        switch kdf {
        case .scrypt(let n, let r, let p, let dklen, let salt):
            kdfName = "scrypt"
            kdfparams = ["n": n, "r": r, "p": p, "dklen": dklen, "salt": Hex.encode(salt, prefix: false)]
        case .pbkdf2(let c, let dklen, let salt):
            kdfName = "pbkdf2"
            kdfparams = ["c": c, "dklen": dklen, "prf": "hmac-sha256", "salt": Hex.encode(salt, prefix: false)]
        }
        var root: [String: Any] = [
            "crypto": [
                "cipher": "aes-128-ctr",
                "cipherparams": ["iv": Hex.encode(iv, prefix: false)],
                "ciphertext": Hex.encode(ciphertext, prefix: false),
                "kdf": kdfName,
                "kdfparams": kdfparams,
                "mac": Hex.encode(mac, prefix: false),
            ] as [String: Any],
            "id": (id ?? UUID()).uuidString.lowercased(),
            "version": 3,
        ]
        if let address { root["address"] = Hex.encode(address.bytes, prefix: false) }
        return try! JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
    }
}

import Ethereum
import Signer
import TestSupport
import Testing

struct EIP55KeyFile: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let checksummed: String
        let privateKey: String?
        var testDescription: String { checksummed }
    }
    let vectors: [Vector]
}

@Suite("Keys and signatures (secp256k1)")
struct KeyTests {
    static let withKeys = (try! Vectors.load("eip55.json", as: EIP55KeyFile.self)).vectors.filter {
        $0.privateKey != nil
    }

    @Test("private key to address", arguments: KeyTests.withKeys)
    func derivation(_ v: EIP55KeyFile.Vector) throws {
        #expect(try PrivateKey(hex: v.privateKey!).address.checksummed == v.checksummed)
    }

    @Test("generated keys sign, verify and recover")
    func roundTrip() throws {
        for i in 0..<20 {
            let key = PrivateKey.generate()
            let digest = Keccak256.hash([UInt8(i)])
            let sig = try key.sign(digest: digest)
            #expect(sig.sValue <= Signature.halfCurveOrder)
            #expect(key.publicKey.verify(sig, digest: digest))
            #expect(try sig.recoverAddress(digest: digest) == key.address)
            #expect(!key.publicKey.verify(sig, digest: Keccak256.hash([UInt8(i), 1])))
            #expect(try key.sign(digest: digest) == sig, "RFC 6979 is deterministic")
        }
    }

    @Test("keys never print their secret")
    func redacted() throws {
        let key = try PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
        for text in [key.description, key.debugDescription, "\(key)", String(reflecting: key)] {
            #expect(!text.contains("4646"))
        }
    }

    @Test(
        "out-of-range and malformed keys",
        arguments: [
            ("0x0000000000000000000000000000000000000000000000000000000000000000", KeyError.outOfRange),
            ("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", KeyError.outOfRange),
            ("0x46", KeyError.wrongLength(1)),
            ("0xzz", KeyError.invalidHex),
        ])
    func badKeys(_ hex: String, _ expected: KeyError) {
        #expect(throws: expected) { try PrivateKey(hex: hex) }
    }

    @Test("bad signatures")
    func badSignatures() {
        #expect(throws: SignatureError.wrongLength(64)) { try Signature(rsv: [UInt8](repeating: 1, count: 64)) }
        #expect(throws: SignatureError.invalidRecoveryID) {
            try Signature(rsv: [UInt8](repeating: 1, count: 64) + [29])
        }
        #expect(throws: SignatureError.invalidRS) { try Signature(rsv: [UInt8](repeating: 0, count: 64) + [27]) }
        #expect(throws: SignatureError.invalidRS) { try Signature(rsv: [UInt8](repeating: 0xff, count: 64) + [27]) }
    }
}

import Ethereum
import Foundation
import Signer
import TestSupport
import Testing
import Timekeeping

/// Random and mutated inputs for the Signer parsers: raw transactions, SIWE messages,
/// keystore JSON, signatures and hex keys. What each accepts must satisfy a property (a
/// canonical round trip, fields read verbatim, the one key that was encrypted); a crash,
/// a hang or a partial value fails the run.
@Suite("Fuzz: Signer parsers")
struct SignerFuzzTests {
    static let cases = 12_000

    struct Mutator {
        var rng: SeededGenerator

        mutating func mutate(_ seed: [UInt8]) -> [UInt8] {
            var b = seed
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let op = Int.random(in: 0..<4, using: &rng)
                if b.isEmpty || op == 0 {
                    b.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...b.count, using: &rng))
                } else if op == 1 {
                    b[Int.random(in: 0..<b.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                } else if op == 2 {
                    b.remove(at: Int.random(in: 0..<b.count, using: &rng))
                } else {
                    b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng)))
                }
            }
            return b
        }
    }

    @Test("raw transactions: what decodes is canonical and re-decodes to the same sender and hash")
    func transactions() throws {
        let f1559: TxFile = try Vectors.load("tx_eip1559.json")
        let f155: TxFile = try Vectors.load("tx_eip155.json")
        let seeds = (f1559.vectors + f155.vectors).prefix(40).map { [UInt8](hex: $0.raw!) }
        var m = Mutator(rng: SeededGenerator(seed: 11))
        var accepted = 0
        for i in 0..<Self.cases {
            let input =
                i % 5 == 0
                ? m.rng.bytes(Int.random(in: 0...120, using: &m.rng))
                : i % 11 == 1 ? seeds[i % seeds.count] : m.mutate(seeds[i % seeds.count])
            guard let tx = try? SignedTransaction.decode(input) else { continue }
            accepted += 1
            #expect(tx.raw == input, "decoding is canonical")
            let again = try SignedTransaction.decode(tx.raw)
            #expect(again.sender == tx.sender && again.hash == tx.hash && again.hash == Keccak256.hash(input))
        }
        #expect(accepted > 0 && accepted < Self.cases)
    }

    @Test("SIWE messages: an accepted message carries every field verbatim")
    func siwe() throws {
        let seed = Array(SIWETests.message().utf8)
        var m = Mutator(rng: SeededGenerator(seed: 12))
        var accepted = 0
        for i in 0..<Self.cases {
            let text = String(decoding: i % 13 == 0 ? seed : m.mutate(seed), as: UTF8.self)
            guard let message = try? SIWEMessage(parsing: text) else { continue }
            accepted += 1
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let prefix = message.scheme.map { "\($0)://" } ?? ""
            #expect(lines[0] == "\(prefix)\(message.domain) wants you to sign in with your Ethereum account:")
            #expect(try Address(parsing: lines[1]) == message.address)
            for expected in [
                "URI: \(message.uri)", "Version: \(message.version)", "Chain ID: \(message.chainID)",
                "Nonce: \(message.nonce)",
            ] {
                #expect(lines.contains(expected), "\(expected)")
            }
            let issued = lines.first { $0.hasPrefix("Issued At: ") }.map { String($0.dropFirst(11)) }
            #expect(issued.flatMap { RFC3339.parseStrict($0) } == message.issuedAt)
        }
        #expect(accepted > 0 && accepted < Self.cases)
    }

    @Test("keystore JSON: a mutated file decrypts to the one key it holds or not at all (KDF work kept tiny)")
    func keystore() throws {
        let key = try PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
        let seed = Array(try Keystore.encrypt(key, password: [1], scrypt: .init(n: 2, r: 1, p: 1)))
        var m = Mutator(rng: SeededGenerator(seed: 13))
        var accepted = 0
        for i in 0..<Self.cases / 4 {
            var input = i % 9 == 0 ? seed : m.mutate(seed)
            // Keep mutated work factors cheap: a mutation may turn n into a large power of two.
            if let s = String(bytes: input, encoding: .utf8), let r = s.range(of: "\"n\":") {
                let after = s[r.upperBound...].prefix(while: \.isNumber)
                if let n = Int(after), n > 1024 {
                    input = Array(s.replacingOccurrences(of: "\"n\":\(after)", with: "\"n\":2").utf8)
                }
            }
            if let s = String(bytes: input, encoding: .utf8), let r = s.range(of: "\"p\":"),
                let p = Int(s[r.upperBound...].prefix(while: \.isNumber)), p > 8
            {
                continue
            }
            if let s = String(bytes: input, encoding: .utf8), let r = s.range(of: "\"r\":"),
                let rr = Int(s[r.upperBound...].prefix(while: \.isNumber)), rr > 8
            {
                continue
            }
            guard let decrypted = try? Keystore.decrypt(json: Data(input), password: [1]) else { continue }
            accepted += 1
            // The MAC covers the ciphertext but not the IV (keystore v3, as geth writes it):
            // only a recorded address can catch a changed IV, so with one a wrong key must
            // never come out.
            let document = (try? JSONSerialization.jsonObject(with: Data(input))) as? [String: Any]
            if decrypted.address != key.address {
                #expect(document?["address"] == nil, "a file that records its address decrypts only to that key")
            }
        }
        #expect(accepted > 0)
    }

    @Test("signatures and keys: a mutated signature recovers our address only if r and s are ours; keys read exactly")
    func signatures() throws {
        let key = try PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
        let sig = try PersonalSign.sign([1, 2, 3], with: key)
        let keyHex = "0x4646464646464646464646464646464646464646464646464646464646464646"
        var m = Mutator(rng: SeededGenerator(seed: 14))
        var recovered = 0
        for _ in 0..<Self.cases {
            let mutated = m.mutate(sig)
            if let address = try? PersonalSign.recover([1, 2, 3], signature: mutated) {
                recovered += 1
                if address == key.address { #expect(Array(mutated.prefix(64)) == Array(sig.prefix(64))) }
            }
            let text = String(decoding: m.mutate(Array(keyHex.utf8)), as: UTF8.self)
            if let parsed = try? PrivateKey(hex: text) {
                let bytes = try Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines), prefix: .optional)
                #expect(parsed.address == (try PrivateKey(bytes: bytes)).address)
            }
        }
        #expect(recovered > 0)
    }
}

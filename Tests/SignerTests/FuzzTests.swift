import Ethereum
import Foundation
import Signer
import TestSupport
import Testing

/// Random and mutated inputs for the Signer parsers: raw transactions, SIWE messages,
/// keystore JSON, signatures and hex keys. Each must return or throw its typed error.
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

    @Test("raw transactions")
    func transactions() throws {
        let f1559: TxFile = try Vectors.load("tx_eip1559.json")
        let f155: TxFile = try Vectors.load("tx_eip155.json")
        let seeds = (f1559.vectors + f155.vectors).prefix(40).map { [UInt8](hex: $0.raw!) }
        var m = Mutator(rng: SeededGenerator(seed: 11))
        var accepted = 0
        for i in 0..<Self.cases {
            let input =
                i % 5 == 0 ? m.rng.bytes(Int.random(in: 0...120, using: &m.rng)) : m.mutate(seeds[i % seeds.count])
            if let tx = try? SignedTransaction.decode(input) {
                accepted += 1
                #expect(tx.raw == input, "decoding is canonical")
            }
        }
        #expect(accepted < Self.cases)
    }

    @Test("SIWE messages")
    func siwe() {
        let seed = Array(SIWETests.message().utf8)
        var m = Mutator(rng: SeededGenerator(seed: 12))
        for _ in 0..<Self.cases {
            _ = try? SIWEMessage(parsing: String(decoding: m.mutate(seed), as: UTF8.self))
        }
    }

    @Test("keystore JSON (structure only: KDF work is kept tiny)")
    func keystore() throws {
        let key = try PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
        let seed = Array(try Keystore.encrypt(key, password: [1], scrypt: .init(n: 2, r: 1, p: 1)))
        var m = Mutator(rng: SeededGenerator(seed: 13))
        for _ in 0..<Self.cases / 4 {
            var input = m.mutate(seed)
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
            _ = try? Keystore.decrypt(json: Data(input), password: [1])
        }
    }

    @Test("signatures and keys")
    func signatures() throws {
        let key = try PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
        let sig = try PersonalSign.sign([1, 2, 3], with: key)
        var m = Mutator(rng: SeededGenerator(seed: 14))
        for _ in 0..<Self.cases {
            _ = try? PersonalSign.recover([1, 2, 3], signature: m.mutate(sig))
            _ = try? PrivateKey(
                hex: String(
                    decoding: m.mutate(
                        Array("0x4646464646464646464646464646464646464646464646464646464646464646".utf8)), as: UTF8.self
                ))
        }
    }
}

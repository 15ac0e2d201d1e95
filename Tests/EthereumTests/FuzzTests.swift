import BigInt
import Ethereum
import TestSupport
import Testing

/// Mutation helpers shared by the fuzz tests: random bytes, bit flips, insertions,
/// deletions and truncations of valid seeds.
struct Mutator {
    var rng: SeededGenerator

    mutating func bytes(max: Int) -> [UInt8] { rng.bytes(Int.random(in: 0...max, using: &rng)) }

    mutating func mutate(_ seed: [UInt8]) -> [UInt8] {
        var b = seed
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !b.isEmpty:
                let i = Int.random(in: 0..<b.count, using: &rng)
                b[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 1:
                b.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...b.count, using: &rng))
            case 2 where !b.isEmpty:
                b.remove(at: Int.random(in: 0..<b.count, using: &rng))
            case 3 where !b.isEmpty:
                b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng)))
            default:
                if !b.isEmpty { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            }
        }
        return b
    }

    /// Random text over an alphabet that makes parsers take interesting paths.
    mutating func text(max: Int, alphabet: [Character]) -> String {
        String((0..<Int.random(in: 0...max, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }

    mutating func mutate(_ seed: String) -> String {
        String(decoding: mutate(Array(seed.utf8)), as: UTF8.self)
    }
}

/// Each parser gets random and mutated inputs; the only expectation is that it returns
/// or throws its typed error (a crash or hang fails the run).
@Suite("Fuzz: Ethereum parsers")
struct EthereumFuzzTests {
    static let casesPerParser = 20_000

    @Test("hex")
    func hex() {
        var m = Mutator(rng: SeededGenerator(seed: 1))
        let alphabet = Array("0123456789abcdefABCDEFxX g")
        for i in 0..<Self.casesPerParser {
            let s = i % 2 == 0 ? m.text(max: 20, alphabet: alphabet) : m.mutate("0x00ff10")
            _ = try? Hex.decode(s, prefix: [.required, .optional, .forbidden][i % 3])
        }
    }

    @Test("address")
    func address() throws {
        var m = Mutator(rng: SeededGenerator(seed: 2))
        let seed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        var accepted = 0
        for i in 0..<Self.casesPerParser {
            let s = i % 4 == 0 ? m.text(max: 44, alphabet: Array("0123456789abcdefABCDEFx")) : m.mutate(seed)
            if let a = try? Address(parsing: s) {
                accepted += 1
                #expect(try Address(parsing: a.checksummed) == a)
            }
        }
        #expect(accepted < Self.casesPerParser)
    }

    @Test("rlp")
    func rlp() {
        var m = Mutator(rng: SeededGenerator(seed: 3))
        let seeds: [[UInt8]] = [
            RLP.list([.bytes([1, 2, 3]), .list([.bytes([]), .bytes([UInt8](repeating: 7, count: 60))])]).encoded(),
            [0xf8, 0x3c] + [UInt8](repeating: 0xc0, count: 60),
            [0xb8, 0x38] + [UInt8](repeating: 0x61, count: 56),
        ]
        for i in 0..<Self.casesPerParser {
            let input = i % 3 == 0 ? m.bytes(max: 64) : m.mutate(seeds[i % seeds.count])
            if let v = try? RLP.decode(input) {
                #expect(v.encoded() == input, "a strict decoder accepts only canonical encodings")
            }
        }
    }

    @Test("amounts (USDC and decimal quantities)")
    func amounts() {
        var m = Mutator(rng: SeededGenerator(seed: 4))
        let alphabet = Array("0123456789.-eE +")
        for i in 0..<Self.casesPerParser {
            let s = i % 2 == 0 ? m.text(max: 30, alphabet: alphabet) : m.mutate("1000.123456")
            if let a = try? USDC(parsing: s) { #expect(a.micro >= 0) }
            _ = try? BigUInt(decimal: s)
        }
    }

    @Test("ABI (transfer call data, Transfer logs, strings)")
    func abi() throws {
        var m = Mutator(rng: SeededGenerator(seed: 5))
        let call = try ERC20.transferCallData(
            to: Address(parsing: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), amount: 1_000_000)
        let word = [UInt8](repeating: 0, count: 31) + [1]
        let str =
            [UInt8](repeating: 0, count: 31) + [32] + [UInt8](repeating: 0, count: 31) + [4] + Array("USDC".utf8)
            + [UInt8](repeating: 0, count: 28)
        for i in 0..<Self.casesPerParser {
            _ = try? ERC20.decodeTransferCallData(i % 3 == 0 ? m.bytes(max: 80) : m.mutate(call))
            _ = try? ABI.decodeExactly([.string], from: m.mutate(str))
            let topics = (0..<Int.random(in: 0...4, using: &m.rng)).map { _ in m.mutate(ERC20.transferTopic) }
            _ = try? TransferLog(topics: topics, data: m.mutate(word))
        }
    }

    @Test("general ABI decoder (nested dynamic types) and type parser")
    func abiGeneral() throws {
        var m = Mutator(rng: SeededGenerator(seed: 6))
        let types: [ABIType] = [
            .uint(bits: 256), .array(.uint(bits: 32)), .fixedBytes(10), .bytes, .array(.array(.string)), .int(bits: 64),
        ]
        let seed = try ABI.encode(
            [
                .uint(291), .array([.uint(1110), .uint(1929)]), .bytes(Array("1234567890".utf8)),
                .bytes(Array("Hello, world!".utf8)),
                .array([.array([.string("one"), .string("two")]), .array([])]), .int(-5),
            ],
            as: types)
        let alphabet = Array("uint8intbytes3256address[]()bool,string0x")
        for i in 0..<Self.casesPerParser {
            _ = try? ABI.decode(types, from: i % 4 == 0 ? m.bytes(max: 600) : m.mutate(seed))
            _ = try? ABI.parseSignature(m.text(max: 40, alphabet: alphabet))
        }
    }
}

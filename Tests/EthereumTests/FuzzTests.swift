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

/// Each parser gets random and mutated inputs and must agree with a property: what it
/// accepts round-trips exactly (or matches a small independent oracle), and what it
/// refuses the oracle refuses too; a crash, a hang or a partial value fails the run.
@Suite("Fuzz: Ethereum parsers")
struct EthereumFuzzTests {
    static let casesPerParser = 20_000

    /// An independent reading of hex: optional `0x`/`0X` (as `prefix` allows), then pairs
    /// of hex digits.
    static func hexOracle(_ s: String, _ prefix: Hex.Prefix) -> [UInt8]? {
        var digits = Substring(s)
        let prefixed = s.hasPrefix("0x") || s.hasPrefix("0X")
        switch prefix {
        case .required:
            guard prefixed else { return nil }
            digits = digits.dropFirst(2)
        case .optional: if prefixed { digits = digits.dropFirst(2) }
        case .forbidden: if prefixed { return nil }
        }
        let chars = Array(digits)
        guard chars.count % 2 == 0, chars.allSatisfy(\.isHexDigit), chars.allSatisfy(\.isASCII) else { return nil }
        return stride(from: 0, to: chars.count, by: 2).map { UInt8(String(chars[$0...$0 + 1]), radix: 16)! }
    }

    @Test("hex: accepted exactly when the oracle accepts, with the same bytes")
    func hex() throws {
        var m = Mutator(rng: SeededGenerator(seed: 1))
        let alphabet = Array("0123456789abcdefABCDEFxX g")
        var accepted = 0
        for i in 0..<Self.casesPerParser {
            let s = i % 2 == 0 ? m.text(max: 20, alphabet: alphabet) : m.mutate("0x00ff10")
            let prefix = [Hex.Prefix.required, .optional, .forbidden][i % 3]
            let decoded = try? Hex.decode(s, prefix: prefix)
            #expect(decoded == Self.hexOracle(s, prefix), "\(s)")
            if let decoded {
                accepted += 1
                #expect(try Hex.decode(Hex.encode(decoded), prefix: .required) == decoded)
            }
        }
        #expect(accepted > 100 && accepted < Self.casesPerParser)
    }

    @Test("address: 0x + 40 hex digits, mixed case only with the right checksum; round trips")
    func address() throws {
        var m = Mutator(rng: SeededGenerator(seed: 2))
        let seed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        var accepted = 0
        for i in 0..<Self.casesPerParser {
            let s = i % 4 == 0 ? m.text(max: 44, alphabet: Array("0123456789abcdefABCDEFx")) : m.mutate(seed)
            let digits = s.dropFirst(2)
            let wellFormed =
                s.hasPrefix("0x") && digits.count == 40 && digits.allSatisfy { $0.isHexDigit && $0.isASCII }
            let oneCase = digits == digits.lowercased() || digits == digits.uppercased()
            let parsed = try? Address(parsing: s)
            guard wellFormed else {
                #expect(parsed == nil, "\(s)")
                continue
            }
            let canonical = try Address(parsing: "0x" + digits.lowercased())
            #expect(parsed == ((oneCase || s == canonical.checksummed) ? canonical : nil), "\(s)")
            if let parsed {
                accepted += 1
                #expect(try Address(parsing: parsed.checksummed) == parsed)
                #expect(parsed.lowercased == "0x" + digits.lowercased())
            }
        }
        #expect(accepted > 0 && accepted < Self.casesPerParser)
    }

    /// A random RLP item at most `depth` lists deep.
    static func randomRLP(_ m: inout Mutator, depth: Int) -> RLP {
        if depth == 0 || Bool.random(using: &m.rng) {
            let length = [0, 1, 1, 2, 55, 56, 60][Int.random(in: 0..<7, using: &m.rng)]
            return .bytes(m.rng.bytes(length))
        }
        return .list((0..<Int.random(in: 0...4, using: &m.rng)).map { _ in randomRLP(&m, depth: depth - 1) })
    }

    @Test("rlp: every item decodes back from its encoding; a mutated encoding decodes only if canonical")
    func rlp() throws {
        var m = Mutator(rng: SeededGenerator(seed: 3))
        var seeds: [[UInt8]] = [
            [0xf8, 0x3c] + [UInt8](repeating: 0xc0, count: 60), [0xb8, 0x38] + [UInt8](repeating: 0x61, count: 56),
        ]
        for _ in 0..<2_000 {
            let item = Self.randomRLP(&m, depth: 3)
            #expect(try RLP.decode(item.encoded()) == item)
            if seeds.count < 200 { seeds.append(item.encoded()) }
        }
        var refused = 0
        for i in 0..<Self.casesPerParser {
            let input = i % 3 == 0 ? m.bytes(max: 64) : m.mutate(seeds[i % seeds.count])
            do {
                #expect(try RLP.decode(input).encoded() == input, "a strict decoder accepts only canonical encodings")
            } catch {
                refused += 1
            }
        }
        #expect(refused > 0 && refused < Self.casesPerParser)
    }

    /// An independent reading of a USDC amount: digits, then optionally a point and 1-6
    /// digits; the value in micro-units, nil when it is malformed or overflows.
    static func usdcOracle(_ s: String) -> Int64? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty,
            whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard parts.count == 1 || (1...6).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        fraction += String(repeating: "0", count: 6 - fraction.count)
        let digits = (whole + fraction).drop { $0 == "0" }
        return digits.isEmpty ? 0 : Int64(digits)
    }

    @Test("amounts: USDC and decimal quantities agree with an oracle and print back to themselves")
    func amounts() throws {
        var m = Mutator(rng: SeededGenerator(seed: 4))
        let alphabet = Array("0123456789.-eE +")
        var accepted = 0
        for i in 0..<Self.casesPerParser {
            let s = i % 2 == 0 ? m.text(max: 30, alphabet: alphabet) : m.mutate("1000.123456")
            let amount = try? USDC(parsing: s)
            #expect(amount?.micro == Self.usdcOracle(s), "\(s)")
            if let amount {
                accepted += 1
                #expect(try USDC(parsing: amount.description) == amount)
            }
            let quantity = try? BigUInt(decimal: s)
            let canonical = !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } && (s == "0" || !s.hasPrefix("0"))
            #expect((quantity != nil) == (canonical && s.count < 78), "\(s)")
            if let quantity { #expect(quantity.description == s) }
        }
        #expect(accepted > 0 && accepted < Self.casesPerParser)
    }

    @Test("ABI: transfer call data, exact strings and Transfer logs re-encode to what was accepted")
    func abi() throws {
        var m = Mutator(rng: SeededGenerator(seed: 5))
        let call = try ERC20.transferCallData(
            to: Address(parsing: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), amount: 1_000_000)
        let word = [UInt8](repeating: 0, count: 31) + [1]
        let str =
            [UInt8](repeating: 0, count: 31) + [32] + [UInt8](repeating: 0, count: 31) + [4] + Array("USDC".utf8)
            + [UInt8](repeating: 0, count: 28)
        let pad: (Address) -> [UInt8] = { [UInt8](repeating: 0, count: 12) + $0.bytes }
        let logTopics = [
            ERC20.transferTopic, pad(try Address(parsing: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")), word,
        ]
        var accepted = [0, 0, 0]
        for i in 0..<Self.casesPerParser {
            // Most cases mutate a valid seed; some keep it whole, so acceptance is exercised too.
            let data = i % 3 == 0 ? m.bytes(max: 80) : i % 7 == 1 ? call : m.mutate(call)
            if let (to, amount) = try? ERC20.decodeTransferCallData(data) {
                accepted[0] += 1
                #expect(try ERC20.transferCallData(to: to, amount: amount) == data)
            }
            let encoded = i % 7 == 2 ? str : m.mutate(str)
            if let values = try? ABI.decodeExactly([.string], from: encoded) {
                accepted[1] += 1
                #expect(try ABI.encode(values, as: [.string]) == encoded)
            }
            var topics = logTopics.map { Int.random(in: 0..<4, using: &m.rng) == 0 ? m.mutate($0) : $0 }
            if i % 5 == 0 { topics = Array(topics.prefix(Int.random(in: 0...4, using: &m.rng))) }
            let logData = i % 2 == 0 ? word : m.mutate(word)
            if let log = try? TransferLog(topics: topics, data: logData) {
                accepted[2] += 1
                #expect(topics == [ERC20.transferTopic, pad(log.from), pad(log.to)])
                #expect(BigUInt(bigEndian: logData) == log.value && logData.count == 32)
            }
        }
        #expect(accepted.allSatisfy { $0 > 0 })
    }

    @Test("general ABI decoder and signature parser: what they accept survives a round trip")
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
        var accepted = [0, 0]
        for i in 0..<Self.casesPerParser {
            if let values = try? ABI.decode(types, from: i % 4 == 0 ? m.bytes(max: 600) : m.mutate(seed)) {
                accepted[0] += 1
                #expect(values.count == types.count)
                #expect(try ABI.decode(types, from: ABI.encode(values, as: types)) == values)
            }
            if let (name, parsed) = try? ABI.parseSignature(m.text(max: 40, alphabet: alphabet)) {
                accepted[1] += 1
                let canonical = "\(name)(\(parsed.map(\.description).joined(separator: ",")))"
                let again = try ABI.parseSignature(canonical)
                #expect(again.name == name && again.types == parsed)
            }
        }
        #expect(accepted[0] > 0)
    }
}

import Ethereum
import TestSupport
import Testing

/// A JSON tree of hex leaves, as rlp.json's `in_hex` spells RLP values.
enum HexTree: Decodable, Sendable {
    case leaf(String)
    case list([HexTree])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .leaf(s) } else { self = .list(try c.decode([HexTree].self)) }
    }

    var rlp: RLP {
        switch self {
        case .leaf(let h): .bytes([UInt8](hex: h))
        case .list(let l): .list(l.map(\.rlp))
        }
    }
}

struct RLPFile: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let inHex: HexTree
        let out: String
        var testDescription: String { name }
    }
    struct Invalid: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let out: String
        var testDescription: String { name }
    }
    struct DecodeOnly: Decodable, Sendable {
        let out: String
        let decodedHex: HexTree
    }
    let vectors: [Vector]
    let invalid: [Invalid]
    let decodeOnlyValid: [DecodeOnly]
    let ethersVectors: [Vector]
}

@Suite("RLP")
struct RLPTests {
    static let file: RLPFile = try! Vectors.load("rlp.json")

    @Test("encode and decode every valid vector", arguments: RLPTests.file.vectors + RLPTests.file.ethersVectors)
    func valid(_ v: RLPFile.Vector) throws {
        #expect(Hex.encode(v.inHex.rlp.encoded()) == v.out)
        #expect(try RLP.decode([UInt8](hex: v.out)) == v.inHex.rlp)
    }

    @Test("decode-only valid vectors")
    func decodeOnly() throws {
        for v in Self.file.decodeOnlyValid {
            #expect(try RLP.decode([UInt8](hex: v.out)) == v.decodedHex.rlp)
        }
    }

    @Test("strict decoder refuses every invalid vector", arguments: RLPTests.file.invalid)
    func invalid(_ v: RLPFile.Invalid) {
        #expect(throws: RLPError.self) { try RLP.decode([UInt8](hex: v.out)) }
    }

    @Test(
        "specific non-canonical forms map to specific errors",
        arguments: [
            ("0x", RLPError.empty),
            ("0x8100", RLPError.nonCanonicalSingleByte),
            ("0xb80161", RLPError.nonCanonicalLength),
            ("0xb90000", RLPError.leadingZeroInLength),
            ("0x8261", RLPError.lengthPastEnd),
            ("0x80ff", RLPError.trailingBytes(1)),
            ("0xb9", RLPError.truncated),
        ])
    func specific(_ hex: String, _ expected: RLPError) {
        #expect(throws: expected) { try RLP.decode([UInt8](hex: hex)) }
    }

    @Test("integers reject leading zeros and oversize")
    func integers() throws {
        #expect(throws: RLPError.leadingZeroInInteger) { try RLP.bytes([0, 1]).asUInt() }
        #expect(throws: RLPError.integerTooLarge(maxBytes: 8)) {
            try RLP.bytes([UInt8](repeating: 1, count: 9)).asUInt(maxBytes: 8)
        }
        #expect(try RLP.bytes([]).asUInt() == 0)
    }
}

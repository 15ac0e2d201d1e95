import Ethereum
import Foundation
import TestSupport
import Testing

/// A JSON argument as the vector files spell it: integers as numbers or decimal strings,
/// `bytesN`/`bytes`/`string` as ASCII text, addresses as hex.
enum JSONArgument: Decodable, Sendable {
    case text(String)
    case number(Int)
    case flag(Bool)
    case list([JSONArgument])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .flag(b)
        } else if let n = try? c.decode(Int.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .text(s)
        } else {
            self = .list(try c.decode([JSONArgument].self))
        }
    }

    /// The `ABIValue` this argument means for `type`.
    func value(as type: ABIType) throws -> ABIValue {
        switch (type, self) {
        case (.uint, .number(let n)): return .uint(BigUInt(n))
        case (.uint, .text(let s)): return .uint(try BigUInt(decimal: s))
        case (.int, .number(let n)): return .int(BigInt(n))
        case (.address, .text(let s)): return .address(try Address(parsing: s))
        case (.bool, .flag(let b)): return .bool(b)
        case (.fixedBytes, .text(let s)), (.bytes, .text(let s)): return .bytes(Array(s.utf8))
        case (.string, .text(let s)): return .string(s)
        case (.array(let e), .list(let items)), (.fixedArray(let e, _), .list(let items)):
            return .array(try items.map { try $0.value(as: e) })
        default: throw ABIError.typeMismatch("vector argument \(self) for \(type)")
        }
    }
}

struct ABIFile: Decodable, Sendable {
    struct SpecExample: Decodable, Sendable, CustomTestStringConvertible {
        let signature: String
        let selector: String
        let types: [String]
        let calldata: String
        let args: [JSONArgument]
        var testDescription: String { signature }
    }
    struct TestsCase: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let types: [String]
        let args: [JSONArgument]
        let encoded: String
        var testDescription: String { name }
    }
    struct Call: Decodable, Sendable, CustomTestStringConvertible {
        let function: String
        let args: [JSONArgument]
        let calldata: String
        var testDescription: String { function }
    }
    struct Return: Decodable, Sendable, CustomTestStringConvertible {
        let function: String
        let returnTypes: [String]
        let values: [JSONArgument]
        let returnData: String
        var testDescription: String { function }
    }
    let abiSpecExamples: [SpecExample]
    let ethereumTestsAbi: [TestsCase]
    let otherCalls: [Call]
    let returnValues: [Return]
}

@Suite("Solidity ABI codec")
struct ABITests {
    static let file: ABIFile = try! Vectors.load("erc20.json")

    func values(_ args: [JSONArgument], _ types: [ABIType]) throws -> [ABIValue] {
        try zip(args, types).map { try $0.value(as: $1) }
    }

    @Test("Solidity ABI spec examples: call data byte for byte and back", arguments: ABITests.file.abiSpecExamples)
    func specExample(_ v: ABIFile.SpecExample) throws {
        let (name, types) = try ABI.parseSignature(v.signature)
        #expect(types.map(\.description) == v.types)
        #expect(Hex.encode(ABI.selector(name: name, types: types)) == v.selector)
        let args = try values(v.args, types)
        let calldata = try ABI.encodeCall(v.signature, args)
        #expect(Hex.encode(calldata) == v.calldata)
        #expect(try ABI.decode(types, from: Array(calldata.dropFirst(4))) == args)
    }

    @Test("ethereum/tests ABITests encodings", arguments: ABITests.file.ethereumTestsAbi)
    func ethereumTests(_ v: ABIFile.TestsCase) throws {
        let types = try v.types.map { try ABIType(parsing: $0) }
        let args = try values(v.args, types)
        #expect(Hex.encode(try ABI.encode(args, as: types)) == v.encoded)
        #expect(try ABI.decode(types, from: [UInt8](hex: v.encoded)) == args)
    }

    @Test("the other ERC-20 calls", arguments: ABITests.file.otherCalls)
    func otherCalls(_ v: ABIFile.Call) throws {
        let types = try ABI.parseSignature(v.function).types
        #expect(Hex.encode(try ABI.encodeCall(v.function, try values(v.args, types))) == v.calldata)
    }

    @Test("ERC-20 return values decode", arguments: ABITests.file.returnValues)
    func returnValues(_ v: ABIFile.Return) throws {
        let types = try v.returnTypes.map { try ABIType(parsing: $0) }
        let decoded = try ABI.decode(types, from: [UInt8](hex: v.returnData))
        #expect(decoded == (try values(v.values, types)))
        #expect(Hex.encode(try ABI.encode(decoded, as: types)) == v.returnData)
    }

    @Test("signed integers use two's complement and are range-checked")
    func signed() throws {
        let encoded = try ABI.encode([.int(-1), .int(-128)], as: [.int(bits: 256), .int(bits: 8)])
        #expect(encoded[0..<32].allSatisfy { $0 == 0xff })
        #expect(try ABI.decode([.int(bits: 256), .int(bits: 8)], from: encoded) == [.int(-1), .int(-128)])
        #expect(throws: ABIError.self) { try ABI.encode([.int(128)], as: [.int(bits: 8)]) }
        #expect(throws: ABIError.nonZeroPadding) {
            try ABI.decode([.int(bits: 8)], from: [UInt8](repeating: 0, count: 31) + [0x80])
        }
    }

    @Test(
        "bad types and mismatched values are refused",
        arguments: ["uint7", "uint264", "bytes33", "bytes0", "int", "tuple", "uint256[0]", "uint256[x]", "(uint256)"])
    func badTypes(_ text: String) {
        if text == "int" {
            #expect((try? ABIType(parsing: text)) == .int(bits: 256))
            return
        }
        #expect(throws: ABIError.unsupportedType(text)) { try ABIType(parsing: text) }
    }

    @Test("hostile offsets, lengths and padding are refused")
    func hostile() throws {
        let good = try ABI.encode(
            [.bytes([1, 2, 3]), .array([.uint(1), .uint(2)])], as: [.bytes, .array(.uint(bits: 256))])
        var offset = good
        offset[31] = 0xff
        #expect(throws: ABIError.self) { try ABI.decode([.bytes, .array(.uint(bits: 256))], from: offset) }
        var length = good
        length[64 + 31] = 0x7f
        #expect(throws: ABIError.self) { try ABI.decode([.bytes, .array(.uint(bits: 256))], from: length) }
        var padding = good
        padding[64 + 32 + 5] = 1
        #expect(throws: ABIError.nonZeroPadding) { try ABI.decode([.bytes, .array(.uint(bits: 256))], from: padding) }
        var huge = good
        huge[good.count - 96 + 3] = 0xff
        #expect(throws: ABIError.malformedDynamic) { try ABI.decode([.bytes, .array(.uint(bits: 256))], from: huge) }
        #expect(throws: ABIError.malformedDynamic) { try ABI.decode([.string], from: Array(good.prefix(40))) }
    }
}

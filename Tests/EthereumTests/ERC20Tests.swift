import BigInt
import Ethereum
import TestSupport
import Testing

struct ERC20File: Decodable, Sendable {
    struct Facts: Decodable, Sendable {
        struct Selector: Decodable, Sendable {
            let signature: String
            let selector: String
        }
        struct Topic: Decodable, Sendable {
            let signature: String
            let topic0: String?
        }
        let functionSelectors: [Selector]
    }
    struct Transfer: Decodable, Sendable, CustomTestStringConvertible {
        let to: String
        let amount: String
        let calldata: String
        let note: String
        var testDescription: String { note }
    }
    struct Log: Decodable, Sendable, CustomTestStringConvertible {
        let topics: [String]
        let data: String
        let from: String
        let to: String
        let value: String
        let note: String
        var testDescription: String { note }
    }
    struct Call: Decodable, Sendable {
        let function: String
        let calldata: String
    }
    struct Return: Decodable, Sendable {
        let function: String
        let returnTypes: [String]
        let returnData: String
    }
    let facts: Facts
    let vectors: [Transfer]
    let transferLogs: [Log]
    let otherCalls: [Call]
    let returnValues: [Return]
}

@Suite("ERC-20 ABI")
struct ERC20Tests {
    static let file: ERC20File = try! Vectors.load("erc20.json")

    @Test("selectors are keccak256 of the signatures")
    func selectors() {
        for s in Self.file.facts.functionSelectors {
            #expect(Hex.encode(ERC20.selector(s.signature)) == s.selector)
        }
        #expect(Hex.encode(ERC20.transferSelector) == Hex.encode(ERC20.selector("transfer(address,uint256)")))
        #expect(Hex.encode(ERC20.balanceOfSelector) == Hex.encode(ERC20.selector("balanceOf(address)")))
    }

    @Test("transfer call data", arguments: ERC20Tests.file.vectors)
    func transfer(_ v: ERC20File.Transfer) throws {
        let to = try Address(parsing: v.to)
        let amount = try BigUInt(decimal: v.amount)
        let data = try ERC20.transferCallData(to: to, amount: amount)
        #expect(Hex.encode(data) == v.calldata)
        let decoded = try ERC20.decodeTransferCallData(data)
        #expect(decoded.to == to && decoded.amount == amount)
    }

    @Test("balanceOf call data")
    func balanceOf() throws {
        let call = try #require(Self.file.otherCalls.first { $0.function == "balanceOf(address)" })
        let owner = try Address(bytes: [UInt8](hex: call.calldata).suffix(20))
        #expect(Hex.encode(ERC20.balanceOfCallData(owner: owner)) == call.calldata)
    }

    @Test("return values")
    func returnValues() throws {
        for r in Self.file.returnValues {
            let data = [UInt8](hex: r.returnData)
            switch r.returnTypes.first {
            case "uint256": #expect(try ABI.decodeExactly([.uint(bits: 256)], from: data) == [.uint(1_000_000)])
            case "bool": #expect(try ABI.decodeExactly([.bool], from: data) == [.bool(true)])
            case "uint8": #expect(try ABI.decodeExactly([.uint(bits: 8)], from: data) == [.uint(6)])
            case "string":
                #expect(
                    [[.string("USDC")], [.string("USD Coin")]].contains(try ABI.decodeExactly([.string], from: data)))
            default: Issue.record("unexpected return type \(r.returnTypes)")
            }
        }
        #expect(throws: ABIError.nonZeroPadding) {
            try ABI.decodeExactly([.bool], from: [UInt8](repeating: 0, count: 31) + [2])
        }
        // Non-canonical forms that a lenient decoder would accept.
        let one = [UInt8](repeating: 0, count: 31) + [1]
        #expect(try ABI.decode([.bool], from: one + [0]) == [.bool(true)])
        #expect(throws: ABIError.wrongLength(expected: 32, actual: 33)) {
            try ABI.decodeExactly([.bool], from: one + [0])
        }
        let usdc = try ABI.encode([.string("USDC")], as: [.string])
        // The same string behind an offset of 64 with a gap word: decodable, not canonical.
        let gapped = [UInt8](repeating: 0, count: 31) + [64] + [UInt8](repeating: 0, count: 32) + usdc[32...]
        #expect(try ABI.decode([.string], from: gapped) == [.string("USDC")])
        #expect(throws: ABIError.wrongLength(expected: 96, actual: 128)) {
            try ABI.decodeExactly([.string], from: gapped)
        }
    }

    @Test("Transfer logs decode", arguments: ERC20Tests.file.transferLogs)
    func logs(_ v: ERC20File.Log) throws {
        let log = try TransferLog(topics: v.topics.map { [UInt8](hex: $0) }, data: [UInt8](hex: v.data))
        #expect(log.from == (try Address(parsing: v.from)))
        #expect(log.to == (try Address(parsing: v.to)))
        #expect(log.value == (try BigUInt(decimal: v.value)))
    }

    @Test(
        "a Transfer amount is read as the whole 256-bit big-endian word",
        arguments: ERC20Tests.file.transferLogs.prefix(1))
    func amountWords(_ v: ERC20File.Log) throws {
        let topics = v.topics.map { [UInt8](hex: $0) }
        var x: UInt64 = 7  // a fixed LCG stream: the same words every run
        var words: [[UInt8]] = [[UInt8](repeating: 0, count: 32), [UInt8](repeating: 0xff, count: 32)]
        for i in 0..<32 { words.append((0..<32).map { $0 == i ? 1 : 0 }) }
        for _ in 0..<200 {
            words.append(
                (0..<32).map { _ in
                    x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: x >> 56)
                })
        }
        for data in words {
            #expect(try TransferLog(topics: topics, data: data).value == BigUInt(bigEndian: data))
        }
    }

    @Test("malformed Transfer logs are refused", arguments: ERC20Tests.file.transferLogs.prefix(1))
    func badLogs(_ v: ERC20File.Log) {
        let topics = v.topics.map { [UInt8](hex: $0) }
        let data = [UInt8](hex: v.data)
        #expect(throws: ABIError.wrongTopicCount(2)) { try TransferLog(topics: Array(topics.prefix(2)), data: data) }
        #expect(throws: ABIError.wrongTopicCount(4)) { try TransferLog(topics: topics + [topics[1]], data: data) }
        var wrongTopic = topics
        wrongTopic[0][0] ^= 1
        #expect(throws: ABIError.wrongTopic) { try TransferLog(topics: wrongTopic, data: data) }
        var dirty = topics
        dirty[1][0] = 1
        #expect(throws: ABIError.nonZeroPadding) { try TransferLog(topics: dirty, data: data) }
        #expect(throws: ABIError.wrongLength(expected: 32, actual: 31)) {
            try TransferLog(topics: topics, data: Array(data.dropLast()))
        }
        #expect(throws: ABIError.wrongLength(expected: 32, actual: 64)) {
            try TransferLog(topics: topics, data: data + data)
        }
        #expect(throws: ABIError.wrongLength(expected: 32, actual: 31)) {
            try TransferLog(topics: [topics[0], Array(topics[1].dropFirst()), topics[2]], data: data)
        }
    }

    @Test("amounts above uint256 are refused")
    func tooLarge() {
        #expect(throws: ABIError.valueTooLarge) {
            try ERC20.transferCallData(to: .zero, amount: BigUInt.uint256Max + 1)
        }
        #expect(throws: QuantityError.tooLarge(bits: 256)) {
            try BigUInt(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936")
        }
        #expect(throws: QuantityError.notDecimal) { try BigUInt(decimal: "-1") }
        #expect(throws: QuantityError.leadingZero) { try BigUInt(decimal: "01") }
    }
}

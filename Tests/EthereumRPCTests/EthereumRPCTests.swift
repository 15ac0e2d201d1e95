import Ethereum
import EthereumRPC
import JSON
import Testing
import Timekeeping

/// The typed API against the fixture node: what each method sends, and strict parsing
/// of what comes back (a malformed field is an error naming the field, never a guess).
@Suite("Ethereum RPC")
struct EthereumRPCTests {
    /// Runs `body` with an `RPCClient` over the fixture's `/a`, after queueing `scripts`.
    func withRPC<T: Sendable>(
        _ scripts: [RPCFixture.Script], batchSize: Int = 50, _ body: @Sendable (RPCClient) async throws -> T
    ) async throws -> (T, [RPCFixture.Received]) {
        let fixture = RPCFixture()
        for script in scripts { await fixture.enqueue("/a", script) }
        let value = try await withRPCFixture(fixture) { base in
            try await body(
                RPCClient(pool: try RPCTest.pool(base, ["a"], clock: ManualTimeSource()), batchSize: batchSize))
        }
        return (value, await fixture.received)
    }

    static let usdc = try! Address(parsing: "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359")
    static let wallet = try! Address(parsing: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")

    /// An address as an indexed event topic: left-padded to 32 bytes.
    static func topic(_ address: Address) -> String { Hex.encode([UInt8](repeating: 0, count: 12) + address.bytes) }

    static func log(removed: JSONValue? = nil, blockNumber: String = "0x10") -> JSONValue {
        var fields: [String: JSONValue] = [
            "address": .string(usdc.lowercased),
            "topics": .array([.string(Hex.encode(ERC20.transferTopic)), .string(topic(usdc)), .string(topic(wallet))]),
            "data": .string("0x" + String(repeating: "0", count: 56) + "0bebc200"), "blockNumber": .string(blockNumber),
            "blockHash": .string(RPCTest.hash(0x11)), "transactionHash": .string(RPCTest.hash(0x22)), "logIndex": "0x3",
        ]
        fields["removed"] = removed
        return .object(fields)
    }

    @Test func chainIdAndBlockNumber() async throws {
        let (values, sent) = try await withRPC([.answer([.result("0x89")]), .answer([.result("0x3e8")])]) { rpc in
            [try await rpc.chainId(), try await rpc.blockNumber()]
        }
        #expect(values == [137, 1_000])
        #expect(sent.flatMap(\.methods) == ["eth_chainId", "eth_blockNumber"])
    }

    @Test(
        "block tags are sent as JSON-RPC expects",
        arguments: [
            (BlockTag.number(4_096), JSONValue.string("0x1000")), (.latest, "latest"), (.safe, "safe"),
            (.finalized, "finalized"),
        ])
    func blockByTag(tag: BlockTag, parameter: JSONValue) async throws {
        let (header, sent) = try await withRPC([.answer([.result(RPCTest.block(4_096, hash: 2, parent: 1))])]) { rpc in
            try await rpc.block(tag)
        }
        #expect(
            header
                == BlockHeader(
                    number: 4_096, hash: try Hash32(bytes: [UInt8](repeating: 2, count: 32)),
                    parentHash: try Hash32(bytes: [UInt8](repeating: 1, count: 32)), timestamp: 0x6553_f100))
        #expect(sent[0].calls[0]["params"] == .array([parameter, .bool(false)]))
    }

    @Test func aBlockTheNodeDoesNotHaveIsNil() async throws {
        let (header, _) = try await withRPC([.answer([.result(.null)])]) { rpc in try await rpc.block(.number(9)) }
        #expect(header == nil)
    }

    @Test func blocksAreFetchedInChunkedBatches() async throws {
        let scripts: [RPCFixture.Script] = [
            .answer(
                [.result(RPCTest.block(10, hash: 10, parent: 9)), .result(RPCTest.block(11, hash: 11, parent: 10))],
                reversed: true),
            .answer([.result(RPCTest.block(12, hash: 12, parent: 11)), .result(.null)]),
            .answer([.result(RPCTest.block(14, hash: 14, parent: 13))]),
        ]
        let (headers, sent) = try await withRPC(scripts, batchSize: 2) { rpc in
            try await rpc.blocks([10, 11, 12, 13, 14])
        }
        #expect(headers.map { $0?.number } == [10, 11, 12, nil, 14])
        #expect(headers[1]?.parentHash == headers[0]?.hash)
        #expect(sent.map(\.calls.count) == [2, 2, 1] && sent.allSatisfy(\.batch))
        #expect(sent[1].calls.map { $0["params"] } == [.array(["0xc", .bool(false)]), .array(["0xd", .bool(false)])])
    }

    @Test func aBatchAnsweringTheWrongBlockIsMalformed() async throws {
        let fixture = RPCFixture()
        await fixture.enqueue(
            "/a",
            .answer([.result(RPCTest.block(10, hash: 10, parent: 9)), .result(RPCTest.block(10, hash: 10, parent: 9))]))
        try await withRPCFixture(fixture) { base in
            let rpc = RPCClient(pool: try RPCTest.pool(base, ["a"], clock: ManualTimeSource()))
            await #expect(throws: RPCError.malformedResponse("asked for block 11, got block 10", endpoint: "\(base)/…"))
            {
                try await rpc.blocks([10, 11])
            }
        }
    }

    @Test func logsSendTheFilterAndParseEveryField() async throws {
        let filter = LogFilter(
            blocks: .range(100...2_099), addresses: [Self.usdc],
            topics: [
                [try Hash32(bytes: ERC20.transferTopic)], nil,
                [try Hash32(parsing: RPCTest.hash(0xbb)), try Hash32(parsing: RPCTest.hash(0xcc))], nil,
            ])
        let (logs, sent) = try await withRPC([.answer([.result(.array([Self.log(), Self.log(removed: .bool(true))]))])])
        { rpc in
            try await rpc.logs(filter)
        }
        #expect(sent[0].methods == ["eth_getLogs"])
        #expect(
            sent[0].calls[0]["params"]
                == .array([
                    .object([
                        "fromBlock": "0x64", "toBlock": "0x833", "address": .string(Self.usdc.lowercased),
                        "topics": .array([
                            .string(Hex.encode(ERC20.transferTopic)), .null,
                            .array([.string(RPCTest.hash(0xbb)), .string(RPCTest.hash(0xcc))]),
                        ]),
                    ])
                ]))
        #expect(logs.count == 2)
        let log = logs[0]
        #expect(log.address == Self.usdc && log.topics.count == 3 && log.blockNumber == 16 && log.logIndex == 3)
        #expect(log.blockHash.hex == RPCTest.hash(0x11) && log.transactionHash.hex == RPCTest.hash(0x22))
        let transfer = try TransferLog(topics: log.topics.map(\.bytes), data: log.data)
        #expect(transfer.to == Self.wallet && transfer.value == BigUInt(200_000_000))
        #expect(!logs[0].removed && logs[1].removed)
    }

    @Test func logsByBlockHashAndSeveralAddresses() {
        let hash = try! Hash32(parsing: RPCTest.hash(0x11))
        let filter = LogFilter(blocks: .hash(hash), addresses: [Self.usdc, Self.wallet])
        #expect(
            filter.parameter
                == .object([
                    "blockHash": .string(hash.hex),
                    "address": .array([.string(Self.usdc.lowercased), .string(Self.wallet.lowercased)]),
                ]))
    }

    @Test(
        "malformed logs are refused, naming the field",
        arguments: [
            (log(blockNumber: "0x010"), "log blockNumber: hex quantity must not have leading zeros"),
            (log(blockNumber: "16"), "log blockNumber: hex quantity must start with 0x"),
            (log(removed: "false"), "removed must be a boolean, got a string"),
            (.object(["address": "0x3c499c542cef5e3811e1192ce70d8cc03d5c3359"]), "missing field topics"),
            (.string("0x"), "expected an object holding topics, got a string"),
        ])
    func malformedLogs(log: JSONValue, reason: String) async throws {
        let fixture = RPCFixture()
        await fixture.enqueue("/a", .answer([.result(.array([log]))]))
        try await withRPCFixture(fixture) { base in
            let rpc = RPCClient(pool: try RPCTest.pool(base, ["a"], clock: ManualTimeSource()))
            await #expect(throws: RPCError.malformedResponse(reason, endpoint: "\(base)/…")) {
                try await rpc.logs(LogFilter(blocks: .range(1...2)))
            }
        }
    }

    @Test func aShortBlockHashIsRefused() async throws {
        var block = RPCTest.block(1, hash: 1, parent: 0)
        if case .object(var fields) = block {
            fields["hash"] = .string(Hex.encode([UInt8](repeating: 1, count: 31)))
            block = .object(fields)
        }
        let fixture = RPCFixture()
        await fixture.enqueue("/a", .answer([.result(block)]))
        try await withRPCFixture(fixture) { base in
            let rpc = RPCClient(pool: try RPCTest.pool(base, ["a"], clock: ManualTimeSource()))
            await #expect(
                throws: RPCError.malformedResponse(
                    "block hash: hex value has 31 bytes; expected 32", endpoint: "\(base)/…")
            ) {
                try await rpc.block(.latest)
            }
        }
    }

    @Test func sendRawTransactionAndNonce() async throws {
        let (values, sent) = try await withRPC([
            .answer([.result(.string(RPCTest.hash(0x22)))]), .answer([.result("0x7")]),
        ]) { rpc in
            (
                try await rpc.sendRawTransaction([0x02, 0xf8, 0x01]).hex,
                try await rpc.transactionCount(Self.wallet, at: .pending)
            )
        }
        #expect(values.0 == RPCTest.hash(0x22) && values.1 == 7)
        #expect(sent[0].calls[0]["params"] == .array(["0x02f801"]))
        #expect(sent[1].calls[0]["params"] == .array([.string(Self.wallet.lowercased), "pending"]))
    }

    @Test func receiptsParseStatusCostAndLogs() async throws {
        let receipt: JSONValue = .object([
            "transactionHash": .string(RPCTest.hash(0x22)), "blockNumber": "0x10",
            "blockHash": .string(RPCTest.hash(0x11)),
            "status": "0x0", "gasUsed": "0xb411", "effectiveGasPrice": "0x4a817c800", "logs": .array([Self.log()]),
        ])
        let (values, _) = try await withRPC([.answer([.result(receipt)]), .answer([.result(.null)])]) { rpc in
            let hash = try Hash32(parsing: RPCTest.hash(0x22))
            return [try await rpc.transactionReceipt(hash), try await rpc.transactionReceipt(hash)]
        }
        let first = try #require(values[0])
        #expect(!first.succeeded && first.gasUsed == 46_097 && first.blockNumber == 16)
        #expect(first.effectiveGasPrice == BigUInt(20_000_000_000) && first.logs.count == 1)
        #expect(values[1] == nil)
    }
}

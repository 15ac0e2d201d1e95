import ArgumentParser
import Brokerage
import Ethereum
import EthereumRPC
import FixtureHTTP
import Foundation
import Hummingbird
import JSON
import Logging
import Payouts
import Signer
import Storage
import Synchronization
import Timekeeping

/// `bench withdrawals`: approved withdrawals signed, stored and broadcast by the real
/// sender service, against a fast in-process JSON-RPC node, on SQLite and PostgreSQL.
/// Prints withdrawals/s and where the time goes: signing alone (the same transactions
/// signed in a loop), storage alone (the same signing-and-broadcast writes with
/// precomputed transactions), and the rest (the node's round trips and the service).
struct BenchWithdrawals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdrawals", abstract: "Withdrawals: signed, stored and broadcast per second, by database.")

    @Option(help: "Approved withdrawals to pay.") var count = 1_000
    @Option(
        help:
            "PostgreSQL URL of a role that may create databases (default: $GP4U_TEST_DATABASE_URL; none: SQLite only).")
    var databaseURL: String?

    func run() async throws {
        let logger = Bench.quietLogger
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let node = FakePayoutNode()
        try await withFixtureHTTPServer(node.router) { url in
            try await ScratchDatabase.directory(prefix: "gp4u-bench-withdrawals") { dir in
                try await withDatabase(.sqlite(path: dir + "/bench.sqlite"), logger: logger) { db in
                    try await measure("SQLite", db: db, key: key, node: node, url: url, logger: logger)
                }
            }
            if let admin = databaseURL ?? ProcessInfo.processInfo.environment["GP4U_TEST_DATABASE_URL"] {
                try await ScratchDatabase.postgres(admin: admin, prefix: "gp4u_bench", logger: logger) { pg in
                    try await withDatabase(.postgres(url: pg), logger: logger) { db in
                        try await measure("PostgreSQL", db: db, key: key, node: node, url: url, logger: logger)
                    }
                }
            }
        }
    }

    func measure(
        _ name: String, db: any SQLDatabase, key: PrivateKey, node: FakePayoutNode, url: String, logger: Logger
    ) async throws {
        try await Migrator(logger: logger).migrate(db)
        let store = SQLStore(db: db)
        let wallet = HotWallet(chainID: 1337, key: key)
        let token = try Address(parsing: "0x5FbDB2315678afecb367f032d93F642f64180aa3")
        let now = Int64(Date().timeIntervalSince1970)
        _ = try await store.createUser(
            User(id: "u", email: try Email("u@bench.example"), passwordHash: "x", role: .renter, createdAt: now))
        _ = try await store.createUser(
            User(id: "ops", email: try Email("ops@bench.example"), passwordHash: "x", role: .operator, createdAt: now))
        try await store.post(
            try .transfer(
                id: "fund", kind: .simulatedDeposit, amount: USDC(micro: Int64(count) * 2 * 1_000_000),
                from: .simulator,
                to: .available(user: "u"), createdAt: now))
        // The signing and storage phases use chain 1338, so the sender (on 1337) never sees them.
        func approved(_ prefix: String, chainID: Int) async throws -> [String] {
            let chain = WithdrawalChain(
                chainID: chainID, token: token, ownAddresses: [wallet.address], simulated: false)
            var ids: [String] = []
            for n in 0..<count {
                let id = "\(prefix)-\(n)"
                let recipient = try Address(bytes: Keccak256.hash(utf8: id).suffix(20))
                _ = try await store.requestWithdrawal(userID: "u", now: now) { _ in
                    try WithdrawalLifecycle.request(
                        id: id, userID: "u", source: .available, amount: USDC(micro: 1_000_000), chainID: chainID,
                        destination: recipient, chain: chain,
                        policy: WithdrawalPolicy(dailyLimit: USDC(micro: 1_000_000_000_000)), requestedToday: .zero,
                        now: now)
                }
                _ = try await store.changeWithdrawal(id: id) {
                    try WithdrawalLifecycle.approve($0, by: "ops", policy: WithdrawalPolicy(), now: now)
                }
                ids.append(id)
            }
            return ids
        }

        // Signing alone: the transactions the sender will sign, in a loop.
        let fees = WithdrawalSending.Fees(maxFeePerGas: 2_000_000_000, maxPriorityFeePerGas: 1_000_000_000)
        let toSign = try await approved("sign", chainID: 1338)
        let loaded = try await store.withdrawals(statuses: [.approved], chainID: 1338, limit: count)
        let signStart = ContinuousClock.now
        var attempts: [String: WithdrawalAttempt] = [:]
        for (nonce, w) in loaded.enumerated() {
            attempts[w.id] = try Self.sign(w, key: key, nonce: UInt64(nonce), fees: fees, now: now)
        }
        let signing = (ContinuousClock.now - signStart).seconds
        // Storage alone: the same writes (reserve, store, record the broadcasts), in the
        // sender's batches, with those transactions.
        let storeStart = ContinuousClock.now
        let frozen = attempts
        for start in stride(from: 0, to: toSign.count, by: WithdrawalSenderService.batchSize) {
            let batch = Array(toSign[start..<min(start + WithdrawalSenderService.batchSize, toSign.count)])
            _ = try await store.signWithdrawals(ids: batch, chainID: 1338, hotWallet: wallet.address) { w, nonce in
                try WithdrawalLifecycle.signed(
                    w, attempt: frozen[w.id]!, nonce: nonce, hotWallet: wallet.address, now: now)
            }
            _ = try await store.changeWithdrawals(ids: batch) { WithdrawalLifecycle.broadcast($0, now: now) }
        }
        let storage = (ContinuousClock.now - storeStart).seconds

        // The real thing: the sender service pays a fresh set, end to end.
        let ids = try await approved("pay", chainID: 1337)
        node.reset()
        let rpc = RPCClient(
            pool: RPCEndpointPool(endpoints: [try RPCEndpoint(parsing: url)], transport: HTTPJSONRPCTransport()))
        let sender = WithdrawalSenderService(
            settings: .init(
                chainID: 1337, token: token,
                policy: .init(
                    confirmations: 2, replaceAfter: 180, maxFeeCap: 1_000_000_000_000, minimumTip: 0,
                    approvalsRequired: 1),
                interval: .seconds(1)),
            wallet: wallet, rpc: rpc, store: store, board: SenderStatusBoard(), logger: logger)
        let cpu0 = CPUTime.now()
        let start = ContinuousClock.now
        while node.sent < ids.count {
            let before = node.sent
            await sender.tick()
            guard node.sent > before else { throw ValidationError("the sender made no progress: \(node.sent) sent") }
        }
        let total = (ContinuousClock.now - start).seconds
        let cpu = CPUTime.now() - cpu0
        let broadcast = try await store.withdrawals(statuses: [.broadcast], chainID: 1337, limit: 100_000)
            .filter { $0.id.hasPrefix("pay-") }
        let nonces = Set(broadcast.compactMap(\.nonce))
        let rate = Double(ids.count) / total
        print(
            "withdrawals \(name): \(ids.count) signed, stored and broadcast in \(String(format: "%.2f", total)) s = \(Int(rate))/s"
                + " (nonces \(nonces.count) unique, \(node.sent) sends); CPU \(String(format: "%.2f", cpu)) s")
        print(
            "withdrawals \(name): per withdrawal \(Self.ms(total / Double(ids.count))) ms: signing \(Self.ms(signing / Double(count))) ms"
                + " (\(Self.pct(signing, total))), storage \(Self.ms(storage / Double(count))) ms (\(Self.pct(storage, total))),"
                + " node round trips and the service \(Self.ms((total - signing - storage) / Double(count))) ms"
                + " (\(Self.pct(total - signing - storage, total)))")
        precondition(nonces.count == ids.count && broadcast.count == ids.count, "every withdrawal has its own nonce")
    }

    static func sign(_ w: Withdrawal, key: PrivateKey, nonce: UInt64, fees: WithdrawalSending.Fees, now: Int64) throws
        -> WithdrawalAttempt
    {
        let signed = try WithdrawalTransaction(
            chainID: UInt64(w.chainID), token: w.token, recipient: w.destination, amount: w.amount, nonce: nonce,
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas, maxFeePerGas: fees.maxFeePerGas, gasLimit: 78_000
        ).signed(with: key)
        return WithdrawalAttempt(
            hash: try Hash32(bytes: signed.hash), raw: signed.raw, maxFeePerGas: fees.maxFeePerGas,
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas, gasLimit: 78_000, signedAt: now)
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1000) }
    static func pct(_ part: Double, _ whole: Double) -> String { String(format: "%.0f%%", part / whole * 100) }
}

/// A JSON-RPC node that answers the sender's calls at once: a chain where the hot wallet
/// is rich, nothing mines, and every raw transaction is accepted (its hash returned).
final class FakePayoutNode: Sendable {
    private let sends = Mutex(0)

    var sent: Int { sends.withLock { $0 } }
    func reset() { sends.withLock { $0 = 0 } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let parsed = try JSONValue(parsing: Array(buffer: body))
            let reply: JSONValue =
                switch parsed {
                case .array(let calls): .array(calls.map(self.answer))
                default: self.answer(parsed)
                }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: reply.jsonText)))
        }
        return router
    }

    func answer(_ call: JSONValue) -> JSONValue {
        let id = call["id"] ?? .null
        let result: JSONValue =
            switch call["method"]?.string ?? "" {
            case "eth_blockNumber": "0x64"
            case "eth_getTransactionCount": "0x0"
            case "eth_call": .string("0x" + String(repeating: "0", count: 51) + "38d7ea4c68000")  // 10^15: 1e9 USDC
            case "eth_getBalance": "0xde0b6b3a76400000"
            case "eth_maxPriorityFeePerGas": "0x3b9aca00"
            case "eth_feeHistory": ["baseFeePerGas": ["0x3b9aca00", "0x3b9aca00"], "oldestBlock": "0x63"]
            case "eth_estimateGas": "0xfde8"
            case "eth_getTransactionReceipt": .null
            case "eth_sendRawTransaction":
                {
                    sends.withLock { $0 += 1 }
                    let raw = (try? Hex.decode(call["params"]?.arrayElement(0)?.string ?? "", prefix: .required)) ?? []
                    return .string(Hex.encode(Keccak256.hash(raw)))
                }()
            default: .null
            }
        return ["jsonrpc": "2.0", "id": id, "result": result]
    }
}

extension JSONValue {
    fileprivate func arrayElement(_ index: Int) -> JSONValue? {
        guard case .array(let items) = self, index < items.count else { return nil }
        return items[index]
    }
}

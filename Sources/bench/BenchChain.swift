import ArgumentParser
import AsyncHTTPClient
import Brokerage
import ChainWatcher
import Ethereum
import EthereumRPC
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import Storage
import Synchronization

/// `bench chain`: the deposit watcher against `fastchain.py` (a fake node serving a
/// synthetic chain fast, no EVM). Backfill: 1,000,000 blocks holding 100,000 Transfer logs
/// to the deposit address, credited through the real store on SQLite and PostgreSQL,
/// with the process's CPU share. Latency: blocks appear every `--block-time` seconds and
/// each credit is timed from the appearance of the block that confirms it.
struct BenchChain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain",
        abstract: "Deposit watcher: backfill blocks/s and credits/s on SQLite and PostgreSQL, credit latency.")

    @Option(help: "Python with the rig's requirements.") var python = ".venv/bin/python"
    @Option(help: "The fake node script.") var script = "Tests/python/chain/fastchain.py"
    @Option(help: "Blocks in the synthetic chain.") var blocks = 1_000_000
    @Option(help: "Transfer logs to the deposit address.") var logs = 100_000
    @Option(help: "Confirmations required.") var confirmations = 12
    @Option(
        help:
            "PostgreSQL URL of a role that may create databases (default: $GP4U_TEST_DATABASE_URL; none skips PostgreSQL)."
    )
    var databaseURL: String?
    @Option(help: "Seconds between blocks in the latency run.") var blockTime = 1.0
    @Option(help: "Watcher poll interval in the latency run, seconds.") var pollInterval = 1.0
    @Option(help: "New blocks to time in the latency run.") var latencyBlocks = 30

    func run() async throws {
        let logger = {
            var l = Logger(label: "bench")
            l.logLevel = .error
            return l
        }()
        let pg = databaseURL ?? ProcessInfo.processInfo.environment["GP4U_TEST_DATABASE_URL"]
        print("GP4U chain benchmark: \(blocks) blocks, \(logs) deposits, \(confirmations) confirmations")
        let node = try FakeNode.start(
            python: python, script: script, arguments: ["--blocks", "\(blocks)", "--logs", "\(logs)"])
        defer { node.stop() }
        func backfillOn(_ name: String, _ config: DatabaseConfiguration) async throws {
            try await withDatabase(config, logger: logger) { db in
                try await Migrator(logger: logger).migrate(db)
                try await backfill(name: name, store: SQLStore(db: db), url: node.url, logger: logger)
            }
        }
        try await ScratchDatabase.directory(prefix: "gp4u-bench") {
            try await backfillOn("SQLite", .sqlite(path: $0 + "/chain.sqlite"))
        }
        if let pg {
            try await ScratchDatabase.postgres(admin: pg, prefix: "gp4u_bench", logger: logger) {
                try await backfillOn("PostgreSQL", .postgres(url: $0))
            }
        }
        node.stop()
        try await latency(logger: logger)
    }

    func settings(start: UInt64) -> DepositWatchSettings {
        DepositWatchSettings(
            chainID: 1337, usdc: try! Address(parsing: "0x" + String(repeating: "a0", count: 20)),
            depositAddress: try! Address(parsing: "0x" + String(repeating: "de", count: 20)),
            confirmations: UInt64(confirmations), startBlock: start)
    }

    static func reader(_ url: String) throws -> RPCChainReader {
        RPCChainReader(
            rpc: RPCClient(
                pool: RPCEndpointPool(endpoints: [try RPCEndpoint(parsing: url)], transport: HTTPJSONRPCTransport())))
    }

    func backfill(name: String, store: SQLStore, url: String, logger: Logger) async throws {
        let tip = UInt64(blocks - 1) + 1 - UInt64(confirmations)
        let board = WatcherStatusBoard()
        let watcher = DepositWatcherService(
            settings: settings(start: 0), reader: try Self.reader(url), ledger: store, pollInterval: .milliseconds(20),
            board: board,
            logger: logger)
        let cpu0 = CPUTime.now()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await watcher.run() }
            while (board.status(chainID: 1337)?.cursor?.number ?? 0) < tip {
                try await Task.sleep(for: .milliseconds(20))
                if ContinuousClock.now - start > .seconds(600) {
                    print("  \(name): gave up after 600 s")
                    break
                }
            }
            group.cancelAll()
        }
        let wall = (ContinuousClock.now - start).seconds
        let reached = min(board.status(chainID: 1337)?.cursor?.number ?? 0, tip)
        let cpu = CPUTime.now() - cpu0
        let row = try await store.db.first(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM chain_deposits")
        let credited = try row?.int("n") ?? 0
        print(
            String(
                format:
                    "  backfill %@: %d blocks in %.1f s = %.0f blocks/s, %lld credits = %.0f credits/s, CPU %.1f s = %.0f%% of wall (goal <= 60 s, <= 30%%), %.0f µs of CPU per credited deposit (goal on SQLite <= 80)",
                name, Int(reached) + 1, wall, Double(reached + 1) / wall, credited, Double(credited) / wall, cpu,
                100 * cpu / wall, credited > 0 ? cpu * 1e6 / Double(credited) : 0))
        #if DEBUG
            print("  (debug build: run with -c release for real figures)")
        #endif
    }

    func latency(logger: Logger) async throws {
        let headStart = 20
        let total = headStart + latencyBlocks + confirmations + 2
        let node = try FakeNode.start(
            python: python, script: script,
            arguments: [
                "--blocks", "\(total)", "--logs", "\(total)", "--head-start", "\(headStart)", "--block-time",
                "\(blockTime)",
            ])
        defer { node.stop() }
        try await ScratchDatabase.directory(prefix: "gp4u-bench") { dir in
            try await withDatabase(.sqlite(path: dir + "/latency.sqlite"), logger: logger) { db in
                try await Migrator(logger: logger).migrate(db)
                let ledger = TimedLedger(store: SQLStore(db: db))
                let watcher = DepositWatcherService(
                    settings: settings(start: 0), reader: try Self.reader(node.url), ledger: ledger,
                    pollInterval: .milliseconds(Int(pollInterval * 1000)), logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await watcher.run() }
                    try await Task.sleep(
                        for: .milliseconds(Int(Double(latencyBlocks + confirmations) * blockTime * 1000 + 2000)))
                    group.cancelAll()
                }
                let appeared = try await node.blockTimes(to: total - 1)
                var latencies: [Double] = []
                for (block, credited) in ledger.creditTimes {
                    let confirming = block + UInt64(confirmations) - 1
                    guard confirming > UInt64(headStart), let shown = appeared[confirming] else { continue }
                    latencies.append(credited - shown)
                }
                latencies.sort()
                guard !latencies.isEmpty else {
                    print("  latency: no deposit was confirmed by a new block")
                    return
                }
                func pct(_ p: Double) -> Double {
                    latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
                }
                print(
                    String(
                        format:
                            "  latency (block every %.1f s, poll %.1f s): %d credits, p50 %.2f s, p99 %.2f s, max %.2f s (goal <= poll + 1 s = %.1f s)",
                        blockTime, pollInterval, latencies.count, pct(0.5), pct(0.99), latencies.last!, pollInterval + 1
                    ))
            }
        }
    }
}

/// The store, with the wall-clock time each deposit's block was credited.
final class TimedLedger: DepositLedger {
    let store: SQLStore
    private let times = Mutex<[UInt64: Double]>([:])

    init(store: SQLStore) { self.store = store }

    var creditTimes: [UInt64: Double] { times.withLock { $0 } }

    func loadCursor(chainID: Int) async throws -> BlockRef? { try await store.loadCursor(chainID: chainID) }
    func creditDeposits(_ deposits: [Deposit], advancingCursorTo cursor: BlockRef, chainID: Int) async throws
        -> [Deposit]
    {
        let credited = try await store.creditDeposits(deposits, advancingCursorTo: cursor, chainID: chainID)
        let now = Date().timeIntervalSince1970
        times.withLock { t in for d in credited { t[d.block.number] = t[d.block.number] ?? now } }
        return credited
    }
    func recordPending(_ pending: [PendingDeposit], head: BlockRef, chainID: Int) async throws {
        try await store.recordPending(pending, head: head, chainID: chainID)
    }
    func recordIncident(_ incident: ReorgIncident) async throws { try await store.recordIncident(incident) }
    func openIncident(chainID: Int) async throws -> ReorgIncident? { try await store.openIncident(chainID: chainID) }
}

/// `fastchain.py` as a child process.
final class FakeNode: Sendable {
    let process: Process
    let url: String

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    static func start(python: String, script: String, arguments: [String]) throws -> FakeNode {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("READY "), let url = text.split(separator: " ").dropFirst().first else {
            process.terminate()
            throw ValidationError("fastchain did not start (\(text)); create the venv: scripts/setup --test")
        }
        return FakeNode(process: process, url: String(url))
    }

    /// SIGKILL (it holds nothing worth a clean exit) and reap (Foundation's `waitUntilExit` spins a run loop that can hang
    /// inside Swift concurrency on Linux).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(process.processIdentifier, &status, 0)
    }

    /// When each block up to `last` appeared (unix seconds).
    func blockTimes(to last: Int) async throws -> [UInt64: Double] {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(
            ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"rig_blockTimes","params":[0,\#(last)]}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        let result = json?["result"] as? [String: Any] ?? [:]
        var times: [UInt64: Double] = [:]
        for (key, value) in result {
            if let block = UInt64(key), let t = (value as? NSNumber)?.doubleValue { times[block] = t }
        }
        return times
    }
}

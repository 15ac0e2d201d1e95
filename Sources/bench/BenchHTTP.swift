import ArgumentParser
import AsyncHTTPClient
import Brokerage
import Foundation
import Hummingbird
import Logging
import NIOCore
import Server
import Storage

/// `bench http`: the real app on a temporary SQLite database, loaded over loopback by
/// concurrent keep-alive clients. Prints requests/s and p50/p99 of `GET /health` and of
/// login (bcrypt cost 12, so CPU-bound by design), and the process's peak RSS.
struct BenchHTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "http", abstract: "HTTP server: /health and login under load.")

    @Option(help: "Concurrent connections.") var connections = 64
    @Option(help: "Seconds per scenario.") var seconds = 10.0
    @Option(help: "Concurrent connections for login (bcrypt-bound).") var loginConnections = 8

    func run() async throws {
        try await BenchServer.with { client, port, _ in
            print("GP4U HTTP benchmark (\(ProcessInfo.processInfo.activeProcessorCount) cores, client and server in one process)")
            let health = try await Load.run(client: client, connections: connections, seconds: seconds) {
                var r = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
                r.method = .GET
                return r
            }
            health.print(name: "GET /health", connections: connections)
            let login = try await Load.run(client: client, connections: loginConnections, seconds: seconds) {
                var r = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/auth/login")
                r.method = .POST
                r.headers.add(name: "Content-Type", value: "application/json")
                r.body = .bytes(ByteBuffer(string: #"{"email":"bench@example.com","password":"correct horse battery"}"#))
                return r
            }
            login.print(name: "POST /api/v1/auth/login (bcrypt 12)", connections: loginConnections)
            print(String(format: "peak RSS: %.1f MB", Double(PeakRSS.kilobytes()) / 1024))
        }
    }
}

/// The real app on a temporary SQLite database and a random port, with one HTTP client,
/// shared by the HTTP benchmarks (`bench http`, `bench market`).
enum BenchServer {
    static func with(
        market: MarketIndexHolder = MarketIndexHolder(),
        _ body: @escaping @Sendable (HTTPClient, Int, AppDependencies) async throws -> Void
    ) async throws {
        let logger = {
            var l = Logger(label: "bench")
            l.logLevel = .error
            return l
        }()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gp4u-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = Int.random(in: 20000...40000)
        try await withDatabase(.sqlite(path: dir + "/bench.sqlite"), logger: logger) { db in
            try await Migrator(logger: logger).migrate(db)
            let store = SQLStore(db: db)
            let accounts = AccountService(
                store: store, tokens: await TokenService(secret: String(repeating: "b", count: 32)),
                throttle: LoginThrottle(maxPerEmail: .max, maxPerIP: .max, now: { Int64(Date().timeIntervalSince1970) }))
            _ = try await accounts.signup(email: "bench@example.com", password: "correct horse battery")
            let deps = AppDependencies(store: store, accounts: accounts, version: "bench", market: market)
            let app = buildApplication(deps, host: "127.0.0.1", port: port, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService() }
                try await Task.sleep(for: .milliseconds(300))
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(30))))
                defer { _ = client.shutdown() }
                try await body(client, port, deps)
                group.cancelAll()
            }
        }
    }
}

/// A closed-loop load generator: each connection sends its next request when the last
/// one answers, for a fixed time.
enum Load {
    struct Result {
        var latencies: [Double]
        var errors: Int
        var elapsed: Double

        func print(name: String, connections: Int) {
            let sorted = latencies.sorted()
            func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
            Swift.print(String(
                format: "%@: %d conns, %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors",
                name, connections, Double(sorted.count) / elapsed, pct(0.5), pct(0.99), errors))
        }
    }

    static func run(
        client: HTTPClient, connections: Int, seconds: Double, request: @escaping @Sendable () -> HTTPClientRequest
    ) async throws -> Result {
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let parts = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var lat: [Double] = []
                    var errors = 0
                    while ContinuousClock.now < deadline {
                        let t0 = ContinuousClock.now
                        do {
                            let response = try await client.execute(request(), timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status.code >= 400 { errors += 1 } else { lat.append((ContinuousClock.now - t0).seconds) }
                        } catch { errors += 1 }
                    }
                    return (lat, errors)
                }
            }
            return try await group.reduce(into: [([Double], Int)]()) { $0.append($1) }
        }
        return Result(
            latencies: parts.flatMap(\.0), errors: parts.map(\.1).reduce(0, +), elapsed: (ContinuousClock.now - start).seconds)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Peak resident set size of this process (VmHWM), in KiB.
enum PeakRSS {
    static func kilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}

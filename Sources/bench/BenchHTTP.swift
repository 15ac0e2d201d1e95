import ArgumentParser
import Brokerage
import Foundation
import Hummingbird
import Logging
import Server
import Storage

/// `bench http`: the real app on a temporary SQLite database, loaded over loopback by
/// concurrent keep-alive clients. Prints requests/s and p50/p99 of `GET /health` and of
/// login (bcrypt cost 12, so CPU-bound by design), and the process's peak RSS.
struct BenchHTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http", abstract: "HTTP server: /health and login under load.")

    @Option(help: "Concurrent connections.") var connections = 64
    @Option(help: "Seconds per scenario.") var seconds = 10.0
    @Option(help: "Concurrent connections for login (bcrypt-bound).") var loginConnections = 8

    func run() async throws {
        try await BenchServer.with { port, _ in
            print(
                "GP4U HTTP benchmark (\(ProcessInfo.processInfo.activeProcessorCount) cores, client and server in one process)"
            )
            let health = try await RawHTTPLoad.run(port: port, connections: connections, seconds: seconds) { _ in
                .init(uri: "/health")
            }
            health.print(name: "GET /health", connections: connections)
            let login = try await RawHTTPLoad.run(port: port, connections: loginConnections, seconds: seconds) { _ in
                .init(
                    method: .POST, uri: "/api/v1/auth/login",
                    body: #"{"email":"bench@example.com","password":"correct horse battery"}"#)
            }
            login.print(name: "POST /api/v1/auth/login (bcrypt 12)", connections: loginConnections)
            print(String(format: "peak RSS: %.1f MB", Double(PeakRSS.kilobytes()) / 1024))
        }
    }
}

/// The real app on a temporary SQLite database and a random port, shared by the HTTP
/// benchmarks (`bench http`, `bench market`).
enum BenchServer {
    static func with(
        market: MarketIndexHolder = MarketIndexHolder(),
        _ body: @escaping @Sendable (Int, AppDependencies) async throws -> Void
    ) async throws {
        let logger = {
            var l = Logger(label: "bench")
            l.logLevel = .error
            return l
        }()
        let port = Int.random(in: 20000...40000)
        try await ScratchDatabase.directory(prefix: "gp4u-bench") { dir in
            try await withDatabase(.sqlite(path: dir + "/bench.sqlite"), logger: logger) { db in
                try await Migrator(logger: logger).migrate(db)
                let store = SQLStore(db: db)
                let accounts = AccountService(
                    store: store, tokens: await TokenService(secret: String(repeating: "b", count: 32)),
                    throttle: LoginThrottle(attempts: store, limits: .unlimited))
                _ = try await accounts.signup(email: "bench@example.com", password: "correct horse battery")
                let deps = AppDependencies(store: store, accounts: accounts, version: "bench", market: market)
                let app = buildApplication(deps, host: "127.0.0.1", port: port, logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await app.runService() }
                    try await Task.sleep(for: .milliseconds(300))
                    try await body(port, deps)
                    group.cancelAll()
                }
            }
        }
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

import ArgumentParser
import Brokerage
import Ethereum
import Foundation
import Logging
import Storage

/// `bench bookings`: booking throughput on PostgreSQL with many concurrent clients,
/// through the real store (per booking: the offer's terms, then the insert under the
/// exclusion constraint and the ledger hold in one statement), on a ledger that already
/// holds 100,000 other users' deposits. Afterwards it counts overlapping live bookings
/// straight from the table (must be 0) and checks the ledger still balances.
struct BenchBookings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookings", abstract: "Reservations: bookings/s on PostgreSQL with concurrent clients, 0 overlaps."
    )

    @Option(help: "PostgreSQL URL of a role that may create databases (default: $GP4U_TEST_DATABASE_URL).")
    var databaseURL: String?
    @Option(help: "Concurrent clients.") var clients = 200
    @Option(help: "Seconds to run.") var seconds = 10.0
    @Option(help: "GPU offers to book on (fewer means more conflicts).") var gpus = 2000
    @Option(help: "Database connections in the pool (on 2 cores, few connections beat many).") var connections = 8
    @Option(help: "Other users with one deposit each already in the ledger: a booking's cost must not grow with them.")
    var idleAccounts = 100_000

    func run() async throws {
        guard let admin = databaseURL ?? ProcessInfo.processInfo.environment["GP4U_TEST_DATABASE_URL"] else {
            throw ValidationError(
                "set --database-url or GP4U_TEST_DATABASE_URL (for example: export GP4U_TEST_DATABASE_URL=$(scripts/start-postgres))"
            )
        }
        let logger = Bench.quietLogger
        try await ScratchDatabase.postgres(admin: admin, prefix: "gp4u_bench", logger: logger) {
            try await run(url: $0, logger: logger)
        }
    }

    func run(url: String, logger: Logger) async throws {
        let db = try PostgresDatabase(url: url, maxConnections: connections, logger: logger)
        let (clients, seconds, gpus) = (self.clients, self.seconds, self.gpus)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await db.run() }
            defer { group.cancelAll() }
            try await Migrator(logger: logger).migrate(db)
            let store = SQLStore(db: db)
            let now = Int64(Date().timeIntervalSince1970)
            let hour0 = now - now % 3600 + 3600
            let model = GPUModel.lookup("RTX 4090")!
            let offers = (0..<gpus).map {
                Offer(
                    provider: .vastai, externalID: "b\($0)", model: model, providerModelName: "RTX 4090", gpuCount: 1,
                    vramGB: 24,
                    pricePerHour: USDC(micro: 400_000), location: OfferLocation(region: "Bench", country: "US"),
                    available: true,
                    reliability: 0.99, lastSynced: Date(), priceKind: .firm)
            }
            _ = try await store.replaceOffers(from: .vastai, with: offers, at: Date())
            for c in 0..<clients {
                _ = try await store.createUser(
                    User(
                        id: "c\(c)", email: try Email("c\(c)@bench.example"), passwordHash: "x", role: .renter,
                        createdAt: now))
                try await store.post(
                    try .transfer(
                        id: "fund-\(c)", kind: .simulatedDeposit, amount: try USDC(units: 1_000_000), from: .simulator,
                        to: .available(user: "c\(c)"), createdAt: now))
            }
            // Other users and their history, so plans and indexes are those of a ledger in use.
            for batch in stride(from: 0, to: idleAccounts, by: 1000) {
                let deposits = try (batch..<min(batch + 1000, idleAccounts)).map {
                    try LedgerTransaction.transfer(
                        id: "idle-\($0)", kind: .simulatedDeposit, amount: USDC(micro: 1_000_000), from: .simulator,
                        to: .available(user: "idle-\($0)"), createdAt: now)
                }
                try await db.transaction { try await SQLStore.post(deposits, in: $0) }
            }
            try await db.query("ANALYZE")
            print(
                "GP4U booking benchmark: PostgreSQL, \(clients) concurrent clients, \(gpus) GPUs, \(idleAccounts) other users, \(Int(seconds)) s"
            )
            let start = ContinuousClock.now
            let deadline = start + .milliseconds(Int(seconds * 1000))
            let results = try await withThrowingTaskGroup(of: (ok: Int, taken: Int, latencies: [Double]).self) {
                clientsGroup in
                for c in 0..<clients {
                    clientsGroup.addTask {
                        var rng = SystemRandomNumberGenerator()
                        var ok = 0
                        var taken = 0
                        var lat: [Double] = []
                        var n = 0
                        while ContinuousClock.now < deadline {
                            let gpu = Int.random(in: 0..<gpus, using: &rng)
                            let s = hour0 + Int64.random(in: 0..<(24 * 60), using: &rng) * 3600
                            let t0 = ContinuousClock.now
                            do {
                                _ = try await store.book(
                                    id: "c\(c)-\(n)", userID: "c\(c)", gpuID: "vastai-b\(gpu)", start: s,
                                    end: s + Int64.random(in: 1...4, using: &rng) * 3600, now: now)
                                ok += 1
                            } catch ReservationError.slotTaken {
                                taken += 1
                            }
                            lat.append((ContinuousClock.now - t0).seconds)
                            n += 1
                        }
                        return (ok, taken, lat)
                    }
                }
                return try await clientsGroup.reduce(into: [(ok: Int, taken: Int, latencies: [Double])]()) {
                    $0.append($1)
                }
            }
            let elapsed = (ContinuousClock.now - start).seconds
            let ok = results.map(\.ok).reduce(0, +)
            let taken = results.map(\.taken).reduce(0, +)
            let lat = results.flatMap(\.latencies).sorted()
            func pct(_ p: Double) -> Double {
                lat.isEmpty ? 0 : lat[min(lat.count - 1, Int(Double(lat.count) * p))] * 1000
            }
            let overlaps =
                try await db.first(
                    """
                    SELECT COUNT(*) AS n FROM reservations a JOIN reservations b
                      ON a.gpu_id = b.gpu_id AND a.id < b.id AND a.start_ts < b.end_ts AND b.start_ts < a.end_ts
                    WHERE a.status IN ('confirmed', 'active') AND b.status IN ('confirmed', 'active')
                    """)?.int("n") ?? -1
            print(
                String(
                    format: "bookings: %d in %.1f s = %.0f bookings/s (%d refused as taken, %.0f attempts/s)", ok,
                    elapsed, Double(ok) / elapsed, taken, Double(ok + taken) / elapsed))
            print(String(format: "latency per booking: p50 %.1f ms, p99 %.1f ms", pct(0.5), pct(0.99)))
            print("overlapping live bookings: \(overlaps)")
            print(
                "ledger: entries sum to \(try await store.entriesTotal()), accounts out of balance: \(try await store.accountsOutOfBalance().count)"
            )
            print(String(format: "peak RSS: %.1f MB", Double(PeakRSS.kilobytes()) / 1024))
        }
    }
}

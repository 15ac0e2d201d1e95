import ArgumentParser
import Brokerage
import Ethereum
import Foundation
import Logging
import Server
import Storage
import Synchronization

/// `bench sync`: what a market sync of many offers does to everything else, through the
/// real store: `rounds` syncs of `offers` offers (a share of them repriced, some vanished
/// and some new each round, each provider replaced as the sync service does, then the
/// whole market read back for the index), while one probe reads a wallet summary (what
/// `GET /wallets/balance` asks) every 50 ms and another writes a small ledger transfer
/// every 50 ms. The probes' slowest figures are how long a request may wait for the sync;
/// memory is printed after every round (RSS, and glibc's heap in use and kept free).
struct BenchSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Market syncs of 100k offers: slowest read and write beside them, memory per round.")

    @Option(help: "Offers in the market.") var offers = 100_000
    @Option(help: "Sync rounds.") var rounds = 10
    @Option(help: "Share of offers repriced per round.") var changed = 0.05
    @Option(help: "Seconds between rounds.") var interval = 2.0
    @Flag(help: "Hand freed heap pages back to the system after each round (malloc_trim).") var trim = false
    @Option(help: "PostgreSQL URL of a role that may create databases; SQLite when absent.")
    var databaseURL: String?

    func run() async throws {
        let logger = Bench.quietLogger
        if let admin = databaseURL {
            try await ScratchDatabase.postgres(admin: admin, prefix: "gp4u_bench", logger: logger) { url in
                try await withDatabase(.postgres(url: url), logger: logger) { try await measure($0, on: "PostgreSQL") }
            }
        } else {
            try await ScratchDatabase.directory(prefix: "gp4u-bench-sync") { dir in
                try await withDatabase(.sqlite(path: dir + "/bench.sqlite"), logger: logger) {
                    try await measure($0, on: "SQLite")
                }
            }
        }
    }

    func measure(_ db: any SQLDatabase, on name: String) async throws {
        try await Migrator().migrate(db)
        let store = SQLStore(db: db)
        let now = Int64(Date().timeIntervalSince1970)
        _ = try await store.createUser(
            User(id: "probe", email: try Email("probe@bench.example"), passwordHash: "x", role: .renter, createdAt: now)
        )
        try await store.post(
            try .transfer(
                id: "fund", kind: .simulatedDeposit, amount: try USDC(units: 1_000), from: .simulator,
                to: .available(user: "probe"), createdAt: now))
        var market = MarketSnapshot.synthetic(count: offers, seed: 42, at: Date())
        print(
            "GP4U sync benchmark: \(name), \(offers) offers, \(rounds) rounds, \(Int(changed * 100))% repriced per round"
        )
        let first = try await sync(market, into: store)
        print(String(format: "  first sync (every offer new): %.2f s", first))
        let stop = ManagedStop()
        async let reads = probe(until: stop) { _ in _ = try await store.summary(userID: "probe") }
        async let writes = probe(until: stop) { n in
            try await store.post(
                try .transfer(
                    id: "probe-\(n)", kind: .simulatedDeposit, amount: USDC(micro: 1), from: .simulator,
                    to: .available(user: "probe"), createdAt: now))
        }
        var rng = SplitMix64(seed: 7)
        var durations: [Double] = []
        for round in 1...rounds {
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            market = Self.churn(market, changed: changed, round: round, rng: &rng)
            durations.append(try await sync(market, into: store))
            if trim { ProcessFigures.releaseFreeMemory() }
            print(
                String(
                    format: "  round %2d: %.2f s; RSS %.1f MB, heap in use %.1f MB, heap kept free %.1f MB", round,
                    durations.last!, Heap.residentMB(), Heap.inUseMB(), Heap.freeMB()))
        }
        try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        stop.stop()
        let (r, w) = try await (reads, writes)
        durations.sort()
        print(
            String(
                format: "  sync round: median %.2f s, slowest %.2f s", durations[durations.count / 2], durations.last!))
        Self.report("wallet summary read every 50 ms", r)
        Self.report("ledger write every 50 ms", w)
        print(String(format: "  peak RSS (VmHWM): %.1f MB", Double(PeakRSS.kilobytes()) / 1024))
    }

    /// One round as the sync service does it: each provider's offers replaced, then the
    /// whole market read back and indexed. Returns its seconds.
    func sync(_ market: [Offer], into store: SQLStore) async throws -> Double {
        let start = ContinuousClock.now
        for provider in ProviderID.upstream {
            _ = try await store.replaceOffers(
                from: provider, with: market.filter { $0.provider == provider }, at: Date())
        }
        let index = MarketIndex(offers: try await store.allOffers(), builtAt: Date())
        precondition(index.offers.count >= market.count)
        return (ContinuousClock.now - start).seconds
    }

    /// `changed` of the offers repriced, 0.5% vanished and as many new, all synced now.
    static func churn(_ market: [Offer], changed: Double, round: Int, rng: inout SplitMix64) -> [Offer] {
        let now = Date()
        var next: [Offer] = []
        next.reserveCapacity(market.count)
        for var offer in market {
            let roll = Double(rng.next() % 10_000) / 10_000
            if roll < 0.005 { continue }
            offer.lastSynced = now
            if roll < 0.005 + changed {
                offer.pricePerHour = USDC(micro: max(1, offer.pricePerHour.micro + Int64(rng.next() % 2001) - 1000))
            }
            next.append(offer)
        }
        let fresh = MarketSnapshot.synthetic(count: market.count - next.count, seed: UInt64(1000 + round), at: now)
            .map { offer -> Offer in
                var o = offer
                o.id += "-r\(round)"
                return o
            }
        return next + fresh
    }

    /// Runs `body` every 50 ms until stopped; returns each call's seconds.
    func probe(until stop: ManagedStop, _ body: @escaping @Sendable (Int) async throws -> Void) async throws
        -> [Double]
    {
        var latencies: [Double] = []
        var n = 0
        while !stop.stopped {
            let start = ContinuousClock.now
            try await body(n)
            latencies.append((ContinuousClock.now - start).seconds)
            n += 1
            try await Task.sleep(for: .milliseconds(50))
        }
        return latencies
    }

    static func report(_ name: String, _ latencies: [Double]) {
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { return }
        func pct(_ p: Double) -> Double { percentile(sorted, p) * 1000 }
        print(
            String(
                format: "  %@: %d calls, p50 %.1f ms, p99 %.1f ms, slowest %.1f ms", name, sorted.count, pct(0.5),
                pct(0.99), sorted.last! * 1000))
    }
}

/// A flag the probes poll.
final class ManagedStop: Sendable {
    private let flag = Mutex(false)
    var stopped: Bool { flag.withLock { $0 } }
    func stop() { flag.withLock { $0 = true } }
}

/// The process's memory in MB, as the server's `/metrics` reports it.
enum Heap {
    static func residentMB() -> Double { Double(ProcessFigures.residentBytes() ?? 0) / 1_048_576 }
    static func inUseMB() -> Double { Double(ProcessFigures.heapBytes().inUse) / 1_048_576 }
    static func freeMB() -> Double { Double(ProcessFigures.heapBytes().free) / 1_048_576 }
}

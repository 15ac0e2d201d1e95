import ArgumentParser
import Brokerage
import Ethereum
import Foundation

/// `bench market`: in-process search latency, arbitrage computation time and peak memory
/// over synthetic markets (``MarketSnapshot/synthetic(count:seed:at:uncatalogued:)``).
struct BenchMarket: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market",
        abstract: "Search latency (p50/p99), arbitrage computation time and peak RSS at 10k and 100k offers.")

    @Option(help: "Comma-separated market sizes.")
    var sizes = "10000,100000"

    @Option(help: "Share of offers (0 to 1) whose GPU is outside the catalogue.")
    var uncatalogued = 0.2

    @Option(help: "Search queries per size.")
    var queries = 2000

    @Option(help: "Seconds per over-HTTP scenario (0 skips the HTTP part).")
    var httpSeconds = 10.0

    @Option(help: "Offers in the index for the over-HTTP part.")
    var httpOffers = 10_000

    @Option(help: "Concurrent connections for the over-HTTP part.")
    var connections = 64

    @Option(help: "Requests/s of the open-loop search run (latency at a fixed load; 0 skips it).")
    var rate = 4_300.0

    func validate() throws {
        guard !parsedSizes.isEmpty, parsedSizes.allSatisfy({ $0 > 0 && $0 <= 5_000_000 }) else {
            throw ValidationError("--sizes must be positive whole numbers up to 5000000, e.g. 10000,100000")
        }
        guard queries > 0 else { throw ValidationError("--queries must be positive") }
        guard (0...1).contains(uncatalogued) else { throw ValidationError("--uncatalogued must be from 0 to 1") }
    }

    var parsedSizes: [Int] { sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        print(
            "market benchmark (\(queries) queries per size, \(Int(uncatalogued * 100))% of offers outside the catalogue)"
        )
        for size in parsedSizes {
            let offers = MarketSnapshot.synthetic(count: size, seed: 42, uncatalogued: uncatalogued)
            let arbitrageTimes = (0..<5).map { _ in time { _ = ArbitrageBook(offers: offers) } }.sorted()
            let arbitrageCPU = (0..<5).map { _ in cpuTime { _ = ArbitrageBook(offers: offers) } }.sorted()
            var index = MarketIndex.empty
            let buildTime = time { index = MarketIndex(offers: offers, builtAt: Date()) }
            let queryList = Self.queries(count: queries, seed: UInt64(size))
            var latencies: [Double] = []
            latencies.reserveCapacity(queryList.count)
            var returned = 0
            for query in queryList {
                latencies.append(time { returned += index.search(query).items.count })
            }
            latencies.sort()
            let lookups = (0..<200).map { _ in time { _ = index.arbitrage.opportunities(minSpreadPct: 15) } }.sorted()
            print(
                """
                  \(size) offers:
                    index build (sorts + arbitrage): \(ms(buildTime)) ms
                    arbitrage computation (sorting included): median \(ms(arbitrageTimes[arbitrageTimes.count / 2])) ms wall, \(ms(arbitrageCPU[arbitrageCPU.count / 2])) ms CPU, best \(ms(arbitrageTimes[0])) ms wall (goal < 50 ms at 100k)
                    arbitrage lookup (opportunities): p50 \(us(percentile(lookups, 0.5))) µs
                    search: p50 \(us(percentile(latencies, 0.5))) µs, p99 \(us(percentile(latencies, 0.99))) µs (\(returned / max(1, queryList.count)) offers per page on average)
                    peak RSS (VmHWM): \(String(format: "%.1f", Double(PeakRSS.kilobytes()) / 1024)) MB (goal <= 200 MB at 100k)
                """)
        }
        if httpSeconds > 0 { try await overHTTP() }
    }

    /// The real app with `httpOffers` synthetic offers in its index, searched and asked for
    /// arbitrage by `connections` clients: closed loop for the most it serves, then search
    /// in open loop at `rate` for the latency at that load. The load generator runs in the
    /// same process on its own event loops (as a separate client would have its own
    /// threads), but on the same two cores, so the figures are a floor for a separate one.
    func overHTTP() async throws {
        let market = MarketIndexHolder(
            MarketIndex(
                offers: MarketSnapshot.synthetic(count: httpOffers, seed: 42, uncatalogued: uncatalogued),
                builtAt: Date()))
        let queries = [
            "model=rtx-4090&sort=price", "max_price=2&sort=g_score", "min_reliability=0.95&sort=price_per_perf",
            "sort=reliability&limit=100",
        ]
        let (seconds, connections, rate) = (httpSeconds, connections, rate)
        try await BenchServer.with(market: market) { port, _ in
            print(
                "over HTTP (\(httpOffers) offers, \(ProcessInfo.processInfo.activeProcessorCount) cores, client and server in one process, on separate event loops):"
            )
            let search: @Sendable (Int) -> RawHTTPLoad.Request = {
                .init(uri: "/api/v1/gpus/search?\(queries[$0 % queries.count])")
            }
            try await RawHTTPLoad.run(port: port, connections: connections, seconds: seconds, request: search)
                .print(name: "  GET /api/v1/gpus/search", connections: connections)
            if rate > 0 {
                try await RawHTTPLoad.run(
                    port: port, connections: connections, seconds: seconds, rate: rate, request: search
                )
                .print(name: "  GET /api/v1/gpus/search", connections: connections, rate: rate)
            }
            try await RawHTTPLoad.run(port: port, connections: connections, seconds: seconds) { _ in
                .init(uri: "/api/v1/arbitrage/opportunities?min_spread_pct=15")
            }.print(name: "  GET /api/v1/arbitrage/opportunities", connections: connections)
            print(String(format: "  peak RSS (VmHWM, whole run): %.1f MB", Double(PeakRSS.kilobytes()) / 1024))
        }
    }

    /// A realistic mix: model filters, price caps, reliability floors, every sort, some paging.
    static func queries(count: Int, seed: UInt64) -> [OfferQuery] {
        var rng = SplitMix64(seed: seed)
        let models = ["rtx-4090", "h100-sxm", "a100-sxm", "rtx-3090", "l40s", nil, nil].map {
            $0.flatMap(GPUModel.lookup)
        }
        return (0..<count).map { _ in
            var q = OfferQuery()
            q.model = models[Int(rng.next() % UInt64(models.count))]
            if rng.next() % 3 == 0 { q.maxPrice = USDC(providerDollars: Double(rng.next() % 300) / 100 + 0.2) }
            if rng.next() % 4 == 0 { q.minReliability = 0.95 }
            if rng.next() % 5 == 0 { q.providers = [.vastai, .ionet] }
            if rng.next() % 6 == 0 { q.location = "US" }
            q.sort = OfferSort.allCases[Int(rng.next() % UInt64(OfferSort.allCases.count))]
            q.limit = 50
            return q
        }
    }
}

private func time(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    return (ContinuousClock.now - start).seconds
}

/// CPU time of the process: unlike wall time, not inflated when other builds share the cores.
private func cpuTime(_ body: () -> Void) -> Double {
    let start = CPUTime.now()
    body()
    return CPUTime.now() - start
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

private func ms(_ s: Double) -> String { String(format: "%.2f", s * 1000) }
private func us(_ s: Double) -> String { String(format: "%.1f", s * 1_000_000) }

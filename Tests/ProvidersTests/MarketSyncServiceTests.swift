import AsyncHTTPClient
import Brokerage
import Ethereum
import Foundation
import Providers
import Testing
import Timekeeping

@Suite("Market sync service")
struct MarketSyncServiceTests {
    static let vastPath = "POST /api/v0/bundles/"

    func vastBody(_ offers: [(id: Int, name: String, price: Double)]) -> String {
        let items = offers.map {
            "{\"id\": \($0.id), \"gpu_name\": \"\($0.name)\", \"num_gpus\": 1, \"dph_total\": \($0.price), \"reliability2\": 0.99, \"geolocation\": \"Texas, US\"}"
        }
        return "{\"offers\": [" + items.joined(separator: ",") + "]}"
    }

    func makeService(
        _ base: String, clock: ManualTimeSource, store: any OfferStore, index: MarketIndexHolder, snapshot: Bool = true
    ) -> MarketSyncService {
        let config = MarketConfiguration(
            providers: [.vastai, .akash], vastURL: base, akashURL: base, snapshotEnabled: snapshot)
        var retryless = config
        for p in ProviderID.allCases {
            var r = ResilienceConfiguration.default(for: p)
            r.retry = RetryPolicy(maxRetries: 0)
            retryless.resilience[p] = r
        }
        let feeds = MarketProviders.feeds(
            configuration: retryless, httpClient: .shared, requestTimeout: .seconds(15), clock: clock,
            jitter: SeededJitter(seed: 9))
        return MarketSyncService(
            feeds: feeds, store: store, index: index, interval: config.syncInterval, snapshotEnabled: snapshot,
            clock: clock)
    }

    @Test func syncReportAndProviderHealthShowCoverageAndSkipReasons() async throws {
        let routes = FixtureRoutes()
        await routes.set(Self.vastPath, .init(body: ProviderFixtures.vastTolerant))
        await routes.set("GET /v1/gpu-prices", .init(body: ProviderFixtures.akashPrices))
        await routes.set("GET /v1/gpu", .init(body: ProviderFixtures.akashGPU))
        let clock = ManualTimeSource()
        try await withFixtureServer(routes) { base in
            let service = makeService(
                base, clock: clock, store: InMemoryOfferStore(), index: MarketIndexHolder(), snapshot: false)
            let report = await service.syncOnce()
            let vast = try #require(report.coverage[.vastai])
            #expect(vast.offersListed == 3 && vast.queries == 1 && vast.limitHits == 0 && vast.complete)
            #expect(vast.skipped == ["malformed": 2, "no_price": 1])
            #expect(report.coverage[.akash]?.skipped == ["malformed": 1, "no_price": 1])
            let health = await ProviderHealthBoard(feeds: service.feeds).snapshot(of: .vastai)
            #expect(health?.coverage == vast)
        }
    }

    @Test func snapshotFirstThenLiveReplacesItPerProvider() async throws {
        let routes = FixtureRoutes()
        await routes.set(
            Self.vastPath, .init(body: vastBody([(1, "RTX 4090", 0.40), (2, "RTX 4090", 0.45), (3, "H100 SXM", 2.10)])))
        await routes.set("GET /v1/gpu-prices", .init(status: 503, body: "{}"))
        let clock = ManualTimeSource()
        let store: any OfferStore = InMemoryOfferStore()
        let index = MarketIndexHolder()
        try await withFixtureServer(routes) { base in
            let service = makeService(base, clock: clock, store: store, index: index)
            await service.prepare()
            let before = index.current
            #expect(before.offers.count == MarketSnapshot.offers().count)
            #expect(before.offers.allSatisfy { $0.source == .sample })
            #expect(!before.arbitrage.opportunities().isEmpty)

            let report = await service.syncOnce()
            guard case .updated(let count, let stale, let change)? = report.providers[.vastai] else {
                Issue.record("vast should have synced")
                return
            }
            // The snapshot's available Vast offers vanished from the live answer.
            #expect(count == 3 && !stale && change.inserted == 3 && change.markedUnavailable > 150)
            if case .unavailable? = report.providers[.akash] {} else { Issue.record("akash should be unavailable") }
            let after = index.current
            #expect(
                after.offers.filter { $0.provider == .vastai }.map(\.id).sorted() == [
                    "vastai-1", "vastai-2", "vastai-3",
                ])
            #expect(after.offers.filter { $0.provider == .akash }.allSatisfy { $0.source == .sample })
            #expect(after.offer(id: "vastai-1")?.lastSynced == clock.now)
        }
    }

    @Test func vanishedOffersBecomeUnavailableAndHistoryIsRecorded() async throws {
        let routes = FixtureRoutes()
        await routes.enqueue(Self.vastPath, [.init(body: vastBody([(1, "RTX 4090", 0.40), (2, "RTX 4090", 0.50)]))])
        await routes.set(Self.vastPath, .init(body: vastBody([(2, "RTX 4090", 0.48)])))
        await routes.set("GET /v1/gpu-prices", .init(body: ProviderFixtures.akashPrices))
        await routes.set("GET /v1/gpu", .init(body: ProviderFixtures.akashGPU))
        let clock = ManualTimeSource()
        let store: any OfferStore = InMemoryOfferStore()
        let index = MarketIndexHolder()
        try await withFixtureServer(routes) { base in
            let service = makeService(base, clock: clock, store: store, index: index, snapshot: false)
            await service.prepare()
            #expect(index.current.offers.isEmpty)
            await service.syncOnce()
            clock.advance(by: .seconds(301))  // past Vast's cache TTL
            await service.syncOnce()
            let current = index.current
            #expect(current.offer(id: "vastai-1")?.available == false)
            #expect(current.offer(id: "vastai-2")?.pricePerHour.description == "0.48")
            // Akash's 4090 (0.34) undercuts Vast's 0.48.
            #expect(current.arbitrage.best(for: GPUModel.lookup("rtx-4090")!)?.cheapest.provider == .akash)
            let series = try await store.priceHistory(
                model: GPUModel.lookup("rtx-4090")!, provider: .vastai, since: .distantPast)
            // Both syncs fall in one hour: one point, updated in place.
            #expect(series.map(\.samples) == [2] && series.map(\.offers) == [2])
            #expect(series.last?.median.description == "0.465")  // mean of the syncs' medians 0.45 and 0.48
            let (low, high) = (try USDC(parsing: "0.40"), try USDC(parsing: "0.50"))
            #expect(series.last?.min == low && series.last?.max == high)
        }
    }

    @Test func runSyncsImmediatelyAndStopsOnCancellation() async throws {
        let routes = FixtureRoutes()
        await routes.set(Self.vastPath, .init(body: vastBody([(7, "RTX 3090", 0.20)])))
        await routes.set("GET /v1/gpu-prices", .init(status: 500, body: ""))
        let store: any OfferStore = InMemoryOfferStore()
        let index = MarketIndexHolder()
        try await withFixtureServer(routes) { base in
            let config = MarketConfiguration(
                providers: [.vastai], vastURL: base, syncInterval: .seconds(3600), snapshotEnabled: false)
            let feeds = MarketProviders.feeds(configuration: config, httpClient: .shared)
            let service = MarketSyncService(
                feeds: feeds, store: store, index: index, interval: config.syncInterval, snapshotEnabled: false)
            let task = Task { try await service.run() }
            var waited = 0
            while index.current.offer(id: "vastai-7") == nil && waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            #expect(index.current.offer(id: "vastai-7") != nil)
            task.cancel()
            try await task.value  // returns normally: run() never throws on shutdown
        }
    }

    @Test func feedsFollowConfiguration() throws {
        let config = try MarketConfiguration.fromEnvironment(["GP4U_IONET_API_KEY": "k"])
        let feeds = MarketProviders.feeds(configuration: config, httpClient: .shared)
        // Render has no sheet configured, so it is left out.
        #expect(feeds.map(\.provider) == [.vastai, .akash, .ionet])
        let none = MarketProviders.feeds(
            configuration: try MarketConfiguration.fromEnvironment([:]), httpClient: .shared)
        #expect(none.map(\.provider) == [.vastai, .akash])
    }

    @Test func healthBoardAnswersBeforeAnyCallAndRunsOperatorActions() async throws {
        let config = try MarketConfiguration.fromEnvironment(["GP4U_PROVIDERS": "vastai,akash"])
        let board = ProviderHealthBoard(
            feeds: MarketProviders.feeds(configuration: config, httpClient: .shared, clock: ManualTimeSource()))
        let all = await board.snapshots()
        #expect(all.map(\.provider) == [.vastai, .akash])
        #expect(all.allSatisfy { $0.status == .unknown && $0.requests == 0 && $0.breaker.state == .closed })
        #expect(await board.snapshot(of: .render) == nil)
        #expect(await board.resetBreaker(.vastai))
        #expect(await board.resetBreaker(.ionet) == false)
        await board.resetAllRateLimiters()
        #expect(await board.invalidateCache(.akash))
    }
}

import AsyncHTTPClient
import Brokerage
import Foundation
import Providers
import Testing
import Timekeeping

@Suite("Resilience layer against the fixture server")
struct ProviderResilienceHTTPTests {
    static let vastPath = "POST /api/v0/bundles/"

    /// The request timeout is generous (the suite shares 2 cores with database tests);
    /// only the timeout test shortens it.
    func feed(
        _ base: String, clock: ManualTimeSource, retries: Int = 5, rate: Int = 600, burst: Int = 20,
        timeout: Duration = .seconds(15)
    ) -> ProviderFeed {
        var config = ResilienceConfiguration(ratePerMinute: rate, burst: burst)
        config.retry = RetryPolicy(maxRetries: retries)
        let adapter = VastAdapter(
            baseURL: base, apiKey: nil, http: ProviderHTTP(client: .shared, timeout: timeout), clock: clock)
        return ProviderFeed(
            source: adapter,
            fetcher: ResilientFetcher(
                provider: .vastai, configuration: config, clock: clock, jitter: SeededJitter(seed: 3)))
    }

    @Test func recovers429And500WithRetriesAndCountsThemApart() async throws {
        let routes = FixtureRoutes()
        let sample = String(decoding: try ProviderFixtures.vastSample(), as: UTF8.self)
        await routes.enqueue(Self.vastPath, [.init(status: 429, body: "{}"), .init(status: 500, body: "{}")])
        await routes.set(Self.vastPath, .init(body: sample))
        let clock = ManualTimeSource()
        try await withFixtureServer(routes) { base in
            let feed = feed(base, clock: clock)
            let result = try await feed.fetch()
            #expect(result.value.count == 40 && !result.stale)
            let health = await feed.fetcher.snapshot()
            #expect(health.rateLimiter.rateLimitHits == 1)
            #expect(health.breaker.consecutiveFailures == 0 && health.breaker.state == .closed)
            #expect(health.requests == 3 && health.successes == 1)
        }
        #expect(await routes.hitCount(Self.vastPath) == 3)
        #expect(clock.sleeps.count >= 2)
    }

    @Test func breakerOpensOnOutageServesStaleFlaggedAndRecovers() async throws {
        let routes = FixtureRoutes()
        let sample = String(decoding: try ProviderFixtures.vastSample(), as: UTF8.self)
        await routes.enqueue(
            Self.vastPath, [.init(body: sample)] + Array(repeating: .init(status: 500, body: "oops"), count: 5))
        await routes.set(Self.vastPath, .init(body: sample))
        let clock = ManualTimeSource()
        try await withFixtureServer(routes) { base in
            let feed = feed(base, clock: clock)
            #expect(try await feed.fetch().value.count == 40)
            clock.advance(by: .seconds(301))
            let stale = try await feed.fetch()
            #expect(stale.stale && stale.value.count == 40 && stale.value.allSatisfy(\.stale))
            var health = await feed.fetcher.snapshot()
            #expect(health.breaker.state == .open && health.breaker.trips == 1 && health.status == .down)
            #expect(await routes.hitCount(Self.vastPath) == 6)
            // Open: no request reaches the server.
            _ = try await feed.fetch()
            #expect(await routes.hitCount(Self.vastPath) == 6)
            clock.advance(by: .seconds(61))
            let fresh = try await feed.fetch()
            #expect(!fresh.stale && fresh.value.allSatisfy { !$0.stale })
            health = await feed.fetcher.snapshot()
            #expect(health.breaker.state == .closed)
        }
    }

    @Test func malformedBodyIsNotRetried() async throws {
        let routes = FixtureRoutes()
        await routes.set(Self.vastPath, .init(body: "<html>maintenance</html>"))
        let clock = ManualTimeSource()
        try await withFixtureServer(routes) { base in
            let feed = feed(base, clock: clock)
            await #expect(throws: MarketFetchError.self) { try await feed.fetch() }
        }
        #expect(await routes.hitCount(Self.vastPath) == 1)
    }

    @Test func timeoutsAreRetriedThenReported() async throws {
        let routes = FixtureRoutes()
        await routes.set(Self.vastPath, .init(body: "{\"offers\": []}", delay: .seconds(5)))
        let clock = ManualTimeSource()
        try await withFixtureServer(routes) { base in
            let feed = feed(base, clock: clock, retries: 1, timeout: .milliseconds(300))
            await #expect(throws: MarketFetchError.failed(provider: .vastai, cause: .timeout, attempts: 2)) {
                try await feed.fetch()
            }
        }
    }

    @Test func bucketPacesRequestsToTheServer() async throws {
        let routes = FixtureRoutes()
        await routes.set(
            "GET /enterprise/v1/io-cloud/caas/hardware/max-gpus-per-container",
            .init(body: ProviderFixtures.ionetHardware))
        await routes.set("GET /v1/io-cloud/caas/locations", .init(body: ProviderFixtures.ionetLocations))
        await routes.set("GET /enterprise/v1/io-cloud/caas/price", .init(body: ProviderFixtures.ionetQuote))
        let clock = ManualTimeSource()
        let start = clock.now
        try await withFixtureServer(routes) { base in
            let adapter = IONetAdapter(
                baseURL: base, apiKey: "k", http: ProviderHTTP(client: .shared), clock: clock)
            let fetcher = ResilientFetcher<[Offer]>(
                provider: .ionet, configuration: ResilienceConfiguration(ratePerMinute: 60, burst: 2), clock: clock)
            let result = try await ProviderFeed(source: adapter, fetcher: fetcher).fetch()
            #expect(result.value.count == 3)
        }
        // Five requests (hardware, locations, three quotes) with a burst of 2 at 1/s: three waits of 1 s.
        #expect(clock.sleeps == [.seconds(1), .seconds(1), .seconds(1)])
        #expect(clock.now.timeIntervalSince(start) == 3)
    }
}

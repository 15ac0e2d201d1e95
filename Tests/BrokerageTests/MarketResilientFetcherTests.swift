import Brokerage
import Foundation
import Testing
import Timekeeping

/// Plays back scripted outcomes, one per call; an unscripted call is a test failure.
actor ScriptedProvider {
    private var script: [Result<Int, ProviderCallError>]
    private(set) var calls = 0

    init(_ script: [Result<Int, ProviderCallError>]) { self.script = script }

    func call() throws -> Int {
        calls += 1
        guard !script.isEmpty else {
            Issue.record("unexpected provider call #\(calls)")
            throw ProviderCallError.transport("unscripted")
        }
        return try script.removeFirst().get()
    }
}

@Suite("Resilient fetcher")
struct MarketResilientFetcherTests {
    func make(_ clock: ManualTimeSource, retries: Int = 5, rate: Int = 600, burst: Int = 10) -> ResilientFetcher<Int> {
        var config = ResilienceConfiguration(ratePerMinute: rate, burst: burst)
        config.retry = RetryPolicy(maxRetries: retries)
        return ResilientFetcher(provider: .vastai, configuration: config, clock: clock, jitter: SeededJitter(seed: 1))
    }

    func fetch(_ f: ResilientFetcher<Int>, _ p: ScriptedProvider) async throws(MarketFetchError) -> Fetched<Int> {
        try await f.fetch { pacer in
            try await pacer.beforeRequest()
            return try await p.call()
        }
    }

    @Test func answersSensiblyBeforeAnyCall() async {
        let f = make(ManualTimeSource())
        let s = await f.snapshot()
        #expect(s.status == .unknown)
        #expect(s.requests == 0 && s.successRate == nil && s.averageResponseMs == nil)
        #expect(s.breaker.state == .closed && s.breaker.trips == 0)
        #expect(s.rateLimiter.tokensAvailable == 10 && s.rateLimiter.rateLimitHits == 0)
        #expect(s.cache.hitRatio == nil && s.cache.ageSeconds == nil && s.cache.ttlSeconds == 300)
    }

    @Test func retriesRetryableErrorsWithJitteredBackoffThenSucceeds() async throws {
        let clock = ManualTimeSource()
        let f = make(clock)
        let p = ScriptedProvider([.failure(.server(status: 502)), .failure(.timeout), .success(42)])
        let result = try await fetch(f, p)
        #expect(result.value == 42 && !result.stale && !result.fromCache)
        #expect(await p.calls == 3)
        let sleeps = clock.sleeps
        #expect(sleeps.count == 2)
        #expect(sleeps[0] <= .seconds(2) && sleeps[1] <= .seconds(4))
        let s = await f.snapshot()
        #expect(s.requests == 3 && s.successes == 1 && s.failures == 2)
        #expect(s.breaker.state == .closed)
    }

    @Test func aHealthCheckMakesOneAttempt() async {
        let clock = ManualTimeSource()
        let f = make(clock)
        let p = ScriptedProvider([.failure(.server(status: 502))])
        await #expect(throws: MarketFetchError.self) {
            try await f.fetch(forceRefresh: true, retrying: false) { _ in try await p.call() }
        }
        #expect(await p.calls == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func doesNotRetryClientErrors() async {
        let f = make(ManualTimeSource())
        let p = ScriptedProvider([.failure(.client(status: 401))])
        await #expect(throws: MarketFetchError.failed(provider: .vastai, cause: .client(status: 401), attempts: 1)) {
            try await fetch(f, p)
        }
    }

    @Test func freshCacheAnswersWithoutCallingTheProvider() async throws {
        let clock = ManualTimeSource()
        let f = make(clock)
        let p = ScriptedProvider([.success(1)])
        _ = try await fetch(f, p)
        clock.advance(by: .seconds(100))
        let again = try await fetch(f, p)
        #expect(again.value == 1 && again.fromCache && !again.stale)
        #expect(await p.calls == 1)
        #expect(await f.snapshot().cache.hits == 1)
    }

    @Test func breakerOpensServesStaleFlaggedThenRecoversThroughOneProbe() async throws {
        let clock = ManualTimeSource()
        let f = make(clock, retries: 10)
        let p = ScriptedProvider(
            [.success(7)] + Array(repeating: .failure(.server(status: 500)), count: 5) + [.success(8)])
        _ = try await fetch(f, p)
        clock.advance(by: .seconds(301))  // past the 300 s TTL
        let stale = try await fetch(f, p)
        #expect(stale.value == 7 && stale.stale)
        #expect(await p.calls == 6)  // 1 good + 5 failures, then the open breaker stopped retries
        var s = await f.snapshot()
        #expect(s.breaker.state == .open && s.breaker.trips == 1 && s.status == .down)
        #expect(s.cache.staleServed == 1)
        // While open, no call goes out; stale data keeps being served.
        let stillStale = try await fetch(f, p)
        #expect(stillStale.stale && stillStale.value == 7)
        #expect(await p.calls == 6)
        clock.advance(by: .seconds(61))
        let recovered = try await fetch(f, p)
        #expect(recovered.value == 8 && !recovered.stale)
        s = await f.snapshot()
        #expect(s.breaker.state == .closed)
    }

    @Test func withNothingCachedAnOpenBreakerFailsFastWithRetryAfter() async {
        let clock = ManualTimeSource()
        let f = make(clock, retries: 0)
        let p = ScriptedProvider(Array(repeating: .failure(.timeout), count: 5))
        for _ in 0..<5 { _ = try? await fetch(f, p) }
        await #expect(throws: MarketFetchError.circuitOpen(provider: .vastai, retryAfter: .seconds(60))) {
            try await fetch(f, p)
        }
        #expect(await p.calls == 5)
    }

    @Test func rateLimitDrainsTheBucketAndIsNotABreakerFailure() async throws {
        let clock = ManualTimeSource()
        let f = make(clock, rate: 60, burst: 5)
        let start = clock.now
        let p = ScriptedProvider(Array(repeating: .failure(.rateLimited), count: 5) + [.success(3)])
        let result = try await fetch(f, p)
        #expect(result.value == 3)
        let s = await f.snapshot()
        #expect(s.rateLimiter.rateLimitHits == 5)
        #expect(s.breaker.state == .closed && s.breaker.consecutiveFailures == 0 && s.failures == 5)
        // Each 429 emptied the bucket, so each retry waited at least one token (1 s at 60/min),
        // however short its jittered backoff was.
        #expect(clock.now.timeIntervalSince(start) >= 5)
    }

    @Test func bucketPacesBurstsOfRequests() async throws {
        let clock = ManualTimeSource()
        let f = make(clock, rate: 30, burst: 2)
        let start = clock.now
        // One fetch that makes 5 requests: 2 from the burst, then one every 2 s.
        _ = try await f.fetch { pacer in
            for _ in 0..<5 { try await pacer.beforeRequest() }
            return 0
        }
        #expect(clock.now.timeIntervalSince(start) == 6)
        #expect(clock.sleeps == [.seconds(2), .seconds(2), .seconds(2)])
    }

    @Test func successRateDrivesTheCacheTTL() async throws {
        let clock = ManualTimeSource()
        let f = make(clock, retries: 0)
        let p = ScriptedProvider([.failure(.timeout), .failure(.timeout), .success(1)])
        _ = try? await fetch(f, p)
        _ = try? await fetch(f, p)
        _ = try await fetch(f, p)
        let s = await f.snapshot()
        #expect(s.successRate == 1.0 / 3.0)
        #expect(s.cache.ttlSeconds == 10)
        #expect(s.status == .degraded)
    }

    @Test func operatorActions() async throws {
        let clock = ManualTimeSource()
        let f = make(clock, retries: 0, rate: 60, burst: 5)
        let p = ScriptedProvider(
            Array(repeating: .failure(.server(status: 503)), count: 5) + [.success(1), .success(2)])
        for _ in 0..<5 { _ = try? await fetch(f, p) }
        #expect(await f.snapshot().breaker.state == .open)
        await f.resetBreaker()
        #expect(await f.snapshot().breaker.state == .closed)
        #expect(try await fetch(f, p).value == 1)
        await f.invalidateCache()
        #expect(try await fetch(f, p).value == 2)
        await f.resetRateLimiter()
        #expect(await f.snapshot().rateLimiter.tokensAvailable == 5)
    }
}

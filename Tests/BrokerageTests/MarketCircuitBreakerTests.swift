import Brokerage
import Foundation
import Testing

@Suite("Circuit breaker")
struct MarketCircuitBreakerTests {
    let t0 = MarketFixtures.t0

    @Test func opensAfterFiveConsecutiveFailuresAndRejectsForSixtySeconds() {
        var breaker = CircuitBreaker(now: t0)
        for i in 0..<4 {
            #expect(breaker.acquire(at: t0) == .allow)
            breaker.recordFailure(at: t0.addingTimeInterval(Double(i)))
            #expect(breaker.state == .closed)
        }
        breaker.recordFailure(at: t0.addingTimeInterval(4))
        #expect(breaker.state == .open)
        #expect(breaker.trips == 1)
        #expect(breaker.acquire(at: t0.addingTimeInterval(34)) == .reject(retryAfter: .seconds(30)))
    }

    @Test func aSuccessResetsTheConsecutiveCount() {
        var breaker = CircuitBreaker(configuration: .init(minimumCallsInWindow: 100), now: t0)
        for _ in 0..<4 { breaker.recordFailure(at: t0) }
        breaker.recordSuccess(at: t0)
        for _ in 0..<4 { breaker.recordFailure(at: t0) }
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 4)
    }

    @Test func opensOnFailureRatioOverTheWindow() {
        var breaker = CircuitBreaker(
            configuration: .init(
                failureThreshold: 100, failureRatio: 0.5, ratioWindow: .seconds(60), minimumCallsInWindow: 10), now: t0)
        // Alternating success/failure: never 100 in a row, but 50 % over 10 calls.
        for i in 0..<9 {
            if i % 2 == 0 {
                breaker.recordFailure(at: t0.addingTimeInterval(Double(i)))
            } else {
                breaker.recordSuccess(at: t0.addingTimeInterval(Double(i)))
            }
        }
        #expect(breaker.state == .closed)
        breaker.recordFailure(at: t0.addingTimeInterval(9))
        #expect(breaker.state == .open)
    }

    @Test func oldCallsLeaveTheRatioWindow() {
        var breaker = CircuitBreaker(
            configuration: .init(
                failureThreshold: 100, failureRatio: 0.5, ratioWindow: .seconds(60), minimumCallsInWindow: 4), now: t0)
        for _ in 0..<3 { breaker.recordFailure(at: t0) }
        for i in 0..<3 { breaker.recordSuccess(at: t0.addingTimeInterval(120 + Double(i))) }
        breaker.recordFailure(at: t0.addingTimeInterval(125))
        // Window holds 3 successes + 1 failure = 25 %.
        #expect(breaker.state == .closed)
    }

    @Test func halfOpenLetsExactlyOneProbeThroughAndClosesOnSuccess() {
        var breaker = CircuitBreaker(now: t0)
        for _ in 0..<5 { breaker.recordFailure(at: t0) }
        let later = t0.addingTimeInterval(60)
        #expect(breaker.acquire(at: later) == .probe)
        #expect(breaker.state == .halfOpen)
        if case .reject = breaker.acquire(at: later) {} else { Issue.record("a second call must wait for the probe") }
        breaker.recordSuccess(at: later)
        #expect(breaker.state == .closed)
        #expect(breaker.acquire(at: later) == .allow)
    }

    @Test func failedProbeReopens() {
        var breaker = CircuitBreaker(now: t0)
        for _ in 0..<5 { breaker.recordFailure(at: t0) }
        let later = t0.addingTimeInterval(61)
        #expect(breaker.acquire(at: later) == .probe)
        breaker.recordFailure(at: later)
        #expect(breaker.state == .open)
        #expect(breaker.trips == 2)
        #expect(breaker.retryAfter(at: later) == .seconds(60))
    }

    @Test func neutralOutcomeFreesTheProbeSlot() {
        var breaker = CircuitBreaker(now: t0)
        for _ in 0..<5 { breaker.recordFailure(at: t0) }
        let later = t0.addingTimeInterval(60)
        #expect(breaker.acquire(at: later) == .probe)
        breaker.recordNeutral()
        #expect(breaker.acquire(at: later) == .probe)
    }

    @Test func operatorResetCloses() {
        var breaker = CircuitBreaker(now: t0)
        for _ in 0..<5 { breaker.recordFailure(at: t0) }
        breaker.reset(at: t0.addingTimeInterval(1))
        #expect(breaker.state == .closed)
        #expect(breaker.acquire(at: t0.addingTimeInterval(1)) == .allow)
        #expect(breaker.trips == 1)
    }
}

@Suite("Token bucket")
struct MarketTokenBucketTests {
    let t0 = MarketFixtures.t0

    @Test func burstThenPacedAtTheRate() {
        var bucket = TokenBucket(ratePerMinute: 60, burst: 3, now: t0)
        for _ in 0..<3 { #expect(bucket.tryAcquire(at: t0) == nil) }
        #expect(bucket.tryAcquire(at: t0) == .milliseconds(1000))
        #expect(bucket.tryAcquire(at: t0.addingTimeInterval(0.5)) == .milliseconds(500))
        #expect(bucket.tryAcquire(at: t0.addingTimeInterval(1)) == nil)
    }

    @Test func refillNeverExceedsBurst() {
        var bucket = TokenBucket(ratePerMinute: 600, burst: 2, now: t0)
        #expect(bucket.level(at: t0.addingTimeInterval(3600)) == 2)
        _ = bucket.tryAcquire(at: t0)
        #expect(bucket.level(at: t0) == 1)
    }

    @Test func drainAfter429EmptiesTheBucket() {
        var bucket = TokenBucket(ratePerMinute: 120, burst: 10, now: t0)
        bucket.drain(at: t0)
        #expect(bucket.level(at: t0) == 0)
        #expect(bucket.tryAcquire(at: t0) == .milliseconds(500))
        bucket.reset(at: t0)
        #expect(bucket.level(at: t0) == 10)
    }
}

@Suite("Retry policy")
struct MarketRetryPolicyTests {
    @Test(arguments: [(1, 2), (2, 4), (3, 8), (4, 16), (5, 32), (6, 32), (40, 32)])
    func ceilingsDoubleFromTwoSecondsUpToThirtyTwo(retry: Int, seconds: Int) {
        #expect(RetryPolicy().ceiling(forRetry: retry) == .seconds(seconds))
    }

    @Test func fullJitterSpansZeroToTheCeiling() {
        let policy = RetryPolicy()
        #expect(policy.delay(forRetry: 3, unit: 0) == .zero)
        #expect(policy.delay(forRetry: 3, unit: 0.5) == .seconds(4))
        #expect(policy.delay(forRetry: 3, unit: 1.7) == .seconds(8))
    }

    @Test func seededJitterIsReproducible() {
        let a = SeededJitter(seed: 7)
        let b = SeededJitter(seed: 7)
        let xs = (0..<5).map { _ in a.unit() }
        #expect(xs == (0..<5).map { _ in b.unit() })
        #expect(xs.allSatisfy { (0..<1).contains($0) })
    }
}

@Suite("Adaptive cache")
struct MarketAdaptiveCacheTests {
    let t0 = MarketFixtures.t0

    @Test(
        arguments: [(nil, 300.0), (1.0, 300), (0.9, 300), (0.89, 45), (0.7, 45), (0.69, 10), (0, 10)]
            as [(Double?, Double)])
    func ttlFollowsSuccessRate(rate: Double?, seconds: Double) {
        #expect(AdaptiveCache<Int>().ttl(successRate: rate).seconds == seconds)
    }

    @Test func freshThenStaleThenHidden() {
        var cache = AdaptiveCache<Int>()
        #expect(isMiss(cache.lookup(at: t0, successRate: 1)))
        cache.store(7, at: t0)
        guard case .fresh(7, _) = cache.lookup(at: t0.addingTimeInterval(299), successRate: 1) else {
            Issue.record("expected fresh")
            return
        }
        guard case .stale(7, _) = cache.lookup(at: t0.addingTimeInterval(301), successRate: 1) else {
            Issue.record("expected stale")
            return
        }
        // An unreliable provider's data goes stale after 10 s.
        guard case .stale = cache.lookup(at: t0.addingTimeInterval(11), successRate: 0.5) else {
            Issue.record("expected stale")
            return
        }
        #expect(isMiss(cache.lookup(at: t0.addingTimeInterval(3601), successRate: 1)))
        #expect(cache.hits == 1)
        #expect(cache.misses == 4)
        #expect(cache.hitRatio == 0.2)
    }

    @Test func staleServingIsCountedAndBounded() {
        var cache = AdaptiveCache<Int>()
        #expect(cache.serveStale(at: t0) == nil)
        cache.store(1, at: t0)
        #expect(cache.serveStale(at: t0.addingTimeInterval(600))?.value == 1)
        #expect(cache.serveStale(at: t0.addingTimeInterval(4000)) == nil)
        #expect(cache.staleServed == 1)
        cache.invalidate()
        #expect(cache.storedAt == nil)
    }

    private func isMiss(_ l: AdaptiveCache<Int>.Lookup) -> Bool {
        if case .miss = l { return true }
        return false
    }
}

import Foundation
import Logging
import Metrics
import Timekeeping

/// The one resilience layer every adapter goes through: adaptive cache, circuit breaker,
/// token bucket and retries with jittered backoff, plus the statistics behind the
/// provider-health API and swift-metrics.
///
/// One instance per provider. ``fetch(_:)`` returns fresh cached data without calling the
/// provider; otherwise it calls `operation` (which must call ``RequestPacer/beforeRequest()``
/// before each HTTP request, so the bucket paces every request), retries retryable errors,
/// and when the provider cannot answer serves the last good value flagged stale.
public actor ResilientFetcher<Value: Sendable> {
    public nonisolated let provider: ProviderID
    public nonisolated let configuration: ResilienceConfiguration
    private let clock: any TimeSource
    private let jitter: any JitterSource
    private let logger: Logger
    private var breaker: CircuitBreaker
    private var bucket: TokenBucket
    private var cache: AdaptiveCache<Value>
    private var stats: Stats
    private let metrics: FetcherMetrics

    struct Stats {
        var startedAt: Date
        var requests = 0
        var successes = 0
        var failures = 0
        var rateLimitHits = 0
        var slowRequests = 0
        var totalResponseSeconds = 0.0
        var recent: [Bool] = []
        var lastSuccessAt: Date?
        var lastFailureAt: Date?
        var lastError: String?
    }

    public init(
        provider: ProviderID, configuration: ResilienceConfiguration? = nil,
        clock: any TimeSource = SystemTimeSource(), jitter: any JitterSource = SystemJitter(),
        logger: Logger = Logger(label: "gp4u.providers")
    ) {
        let config = configuration ?? .default(for: provider)
        let now = clock.now
        self.provider = provider
        self.configuration = config
        self.clock = clock
        self.jitter = jitter
        var logger = logger
        logger[metadataKey: "provider"] = "\(provider.rawValue)"
        self.logger = logger
        self.breaker = CircuitBreaker(configuration: config.breaker, now: now)
        self.bucket = TokenBucket(ratePerMinute: config.ratePerMinute, burst: config.burst, now: now)
        self.cache = AdaptiveCache(configuration: config.cache)
        self.stats = Stats(startedAt: now)
        self.metrics = FetcherMetrics(provider: provider)
        metrics.publish(breaker: .closed, tokens: Double(config.burst), successRate: nil)
    }

    /// Share of the last `successWindow` calls that succeeded; nil before any call.
    public var successRate: Double? {
        guard !stats.recent.isEmpty else { return nil }
        return Double(stats.recent.lazy.filter { $0 }.count) / Double(stats.recent.count)
    }

    /// Cached data if any (fresh or stale), without calling the provider or counting.
    public func cached() -> Fetched<Value>? {
        switch cache.peek(at: clock.now, successRate: successRate) {
        case .fresh(let v, let at): Fetched(value: v, fetchedAt: at, stale: false, fromCache: true)
        case .stale(let v, let at): Fetched(value: v, fetchedAt: at, stale: true, fromCache: true)
        case .miss: nil
        }
    }

    /// Fresh data from cache or provider, or stale data when the provider is down.
    /// `forceRefresh` skips the fresh-cache answer (health checks) but keeps the stale fallback.
    /// Without `retrying` one attempt is made: a caller waiting on an HTTP answer (the health
    /// check) reports the provider's state now instead of sitting through the backoff.
    public func fetch(
        forceRefresh: Bool = false, retrying: Bool = true, _ operation: @Sendable (RequestPacer) async throws -> Value
    ) async throws(MarketFetchError) -> Fetched<Value> {
        if !forceRefresh, case .fresh(let value, let at) = cache.lookup(at: clock.now, successRate: successRate) {
            metrics.cacheHits.increment()
            return Fetched(value: value, fetchedAt: at, stale: false, fromCache: true)
        }
        metrics.cacheMisses.increment()
        let pacer = RequestPacer { [weak self] in try await self?.acquireToken() }
        var attempt = 0
        while true {
            let decision = breaker.acquire(at: clock.now)
            publishGauges()
            if case .reject(let retryAfter) = decision {
                return try staleOr(.circuitOpen(provider: provider, retryAfter: retryAfter))
            }
            attempt += 1
            let started = clock.now
            let startedMonotonic = ContinuousClock.now
            let failure: ProviderCallError
            do {
                let value = try await operation(pacer)
                recordOutcome(success: true, started: started, monotonic: startedMonotonic, error: nil)
                breaker.recordSuccess(at: clock.now)
                cache.store(value, at: clock.now)
                publishGauges()
                return Fetched(value: value, fetchedAt: clock.now, stale: false, fromCache: false)
            } catch let error as ProviderCallError {
                failure = error
            } catch is CancellationError {
                breaker.recordNeutral()
                return try staleOr(.cancelled(provider: provider))
            } catch {
                failure = .transport(String(describing: type(of: error)))
            }
            recordOutcome(success: false, started: started, monotonic: startedMonotonic, error: failure)
            if failure.countsAsFailure {
                let wasOpen = breaker.state == .open
                breaker.recordFailure(at: clock.now)
                if !wasOpen && breaker.state == .open {
                    metrics.breakerTrips.increment()
                    logger.warning(
                        "circuit breaker opened",
                        metadata: ["provider.trips": "\(breaker.trips)", "provider.error": "\(failure)"])
                }
            } else {
                breaker.recordNeutral()
                bucket.drain(at: clock.now)
                stats.rateLimitHits += 1
                metrics.rateLimitHits.increment()
            }
            publishGauges()
            logger.warning(
                "provider call failed", metadata: ["provider.attempt": "\(attempt)", "provider.error": "\(failure)"])
            guard retrying, failure.isRetryable, attempt <= configuration.retry.maxRetries else {
                return try staleOr(.failed(provider: provider, cause: failure, attempts: attempt))
            }
            let delay = configuration.retry.delay(forRetry: attempt, unit: jitter.unit())
            do { try await clock.sleep(for: delay) } catch {
                return try staleOr(.cancelled(provider: provider))
            }
        }
    }

    /// Waits for a token from the bucket (called through ``RequestPacer``).
    func acquireToken() async throws {
        while let wait = bucket.tryAcquire(at: clock.now) {
            try await clock.sleep(for: wait)
        }
        metrics.bucketTokens.record(bucket.level(at: clock.now))
    }

    private func staleOr(_ error: MarketFetchError) throws(MarketFetchError) -> Fetched<Value> {
        if let entry = cache.serveStale(at: clock.now) {
            metrics.staleServed.increment()
            logger.info("serving stale offers", metadata: ["provider.reason": "\(error)"])
            return Fetched(value: entry.value, fetchedAt: entry.storedAt, stale: true, fromCache: true)
        }
        throw error
    }

    private func recordOutcome(
        success: Bool, started: Date, monotonic: ContinuousClock.Instant, error: ProviderCallError?
    ) {
        // Response time from the injected clock when it moved (tests), else the monotonic clock.
        let injected = clock.now.timeIntervalSince(started)
        let elapsed = injected > 0 ? injected : (ContinuousClock.now - monotonic).seconds
        stats.requests += 1
        stats.totalResponseSeconds += elapsed
        if elapsed > configuration.slowThreshold.seconds {
            stats.slowRequests += 1
            metrics.slowRequests.increment()
        }
        stats.recent.append(success)
        if stats.recent.count > configuration.successWindow {
            stats.recent.removeFirst(stats.recent.count - configuration.successWindow)
        }
        metrics.responseTime.recordNanoseconds(Int64(elapsed * 1e9))
        if success {
            stats.successes += 1
            stats.lastSuccessAt = clock.now
            metrics.successes.increment()
        } else {
            stats.failures += 1
            stats.lastFailureAt = clock.now
            stats.lastError = error?.description
            metrics.failures.increment()
        }
    }

    private func publishGauges() {
        metrics.publish(breaker: breaker.state, tokens: bucket.level(at: clock.now), successRate: successRate)
    }

    // MARK: operator actions

    /// Closes the breaker (operator action).
    public func resetBreaker() {
        breaker.reset(at: clock.now)
        publishGauges()
        logger.notice("circuit breaker reset by operator")
    }

    /// Refills the token bucket (operator action).
    public func resetRateLimiter() {
        bucket.reset(at: clock.now)
        publishGauges()
    }

    /// Drops cached data so the next fetch calls the provider (operator action).
    public func invalidateCache() { cache.invalidate() }

    /// Health figures now.
    public func snapshot() -> ProviderHealthSnapshot {
        let now = clock.now
        let rate = successRate
        let status: ProviderHealthSnapshot.Status
        switch breaker.state {
        case .open: status = .down
        case .halfOpen: status = .degraded
        case .closed: status = rate.map { $0 >= 0.9 ? .healthy : .degraded } ?? .unknown
        }
        let tokens = bucket.level(at: now)
        return ProviderHealthSnapshot(
            provider: provider, status: status, requests: stats.requests, successes: stats.successes,
            failures: stats.failures,
            successRate: rate,
            averageResponseMs: stats.requests == 0 ? nil : stats.totalResponseSeconds / Double(stats.requests) * 1000,
            slowRequests: stats.slowRequests, slowThresholdMs: configuration.slowThreshold.seconds * 1000,
            uptimeSeconds: breaker.state == .closed ? max(0, now.timeIntervalSince(breaker.closedSince)) : 0,
            trackedSeconds: max(0, now.timeIntervalSince(stats.startedAt)),
            lastSuccessAt: stats.lastSuccessAt, lastFailureAt: stats.lastFailureAt, lastError: stats.lastError,
            breaker: .init(
                state: breaker.state, trips: breaker.trips, consecutiveFailures: breaker.consecutiveFailures,
                failureThreshold: configuration.breaker.failureThreshold,
                openSeconds: configuration.breaker.openDuration.seconds,
                retryAfterSeconds: breaker.retryAfter(at: now)?.seconds),
            rateLimiter: .init(
                ratePerMinute: bucket.ratePerMinute, burst: bucket.burst, tokensAvailable: tokens,
                utilization: 1 - tokens / Double(bucket.burst), rateLimitHits: stats.rateLimitHits),
            cache: .init(
                hits: cache.hits, misses: cache.misses, staleServed: cache.staleServed, hitRatio: cache.hitRatio,
                ttlSeconds: cache.ttl(successRate: rate).seconds,
                ageSeconds: cache.storedAt.map { now.timeIntervalSince($0) }),
            at: now)
    }
}

/// Data from the resilience layer and how fresh it is.
public struct Fetched<Value: Sendable>: Sendable {
    public var value: Value
    /// When the provider produced it.
    public var fetchedAt: Date
    /// True when the provider could not be reached and this is older cached data.
    public var stale: Bool
    public var fromCache: Bool
}

/// Handed to an adapter's operation: call ``beforeRequest()`` before every HTTP request so
/// the provider's token bucket paces them.
public struct RequestPacer: Sendable {
    private let acquire: @Sendable () async throws -> Void

    public init(_ acquire: @escaping @Sendable () async throws -> Void) { self.acquire = acquire }

    /// A pacer that never waits (tests of adapters outside the layer).
    public static let unpaced = RequestPacer {}

    /// Waits until the rate limiter allows one more request.
    public func beforeRequest() async throws { try await acquire() }
}

/// swift-metrics instruments of one provider, labelled `provider`.
struct FetcherMetrics: Sendable {
    let successes: Counter
    let failures: Counter
    let rateLimitHits: Counter
    let breakerTrips: Counter
    let slowRequests: Counter
    let cacheHits: Counter
    let cacheMisses: Counter
    let staleServed: Counter
    let responseTime: Metrics.Timer
    let breakerState: Gauge
    let bucketTokens: Gauge
    let successRate: Gauge

    init(provider: ProviderID) {
        let p = [("provider", provider.rawValue)]
        successes = Counter(label: "gp4u_provider_requests_total", dimensions: p + [("outcome", "success")])
        failures = Counter(label: "gp4u_provider_requests_total", dimensions: p + [("outcome", "failure")])
        rateLimitHits = Counter(label: "gp4u_provider_rate_limit_hits_total", dimensions: p)
        breakerTrips = Counter(label: "gp4u_provider_breaker_trips_total", dimensions: p)
        slowRequests = Counter(label: "gp4u_provider_slow_requests_total", dimensions: p)
        cacheHits = Counter(label: "gp4u_provider_cache_lookups_total", dimensions: p + [("result", "hit")])
        cacheMisses = Counter(label: "gp4u_provider_cache_lookups_total", dimensions: p + [("result", "miss")])
        staleServed = Counter(label: "gp4u_provider_stale_served_total", dimensions: p)
        responseTime = Metrics.Timer(label: "gp4u_provider_response_seconds", dimensions: p)
        breakerState = Gauge(label: "gp4u_provider_breaker_state", dimensions: p)
        bucketTokens = Gauge(label: "gp4u_provider_rate_limiter_tokens", dimensions: p)
        successRate = Gauge(label: "gp4u_provider_success_rate", dimensions: p)
    }

    /// Breaker state as 0 closed, 1 half-open, 2 open.
    func publish(breaker: CircuitBreaker.State, tokens: Double, successRate rate: Double?) {
        breakerState.record(Double(breaker == .closed ? 0 : breaker == .halfOpen ? 1 : 2))
        bucketTokens.record(tokens)
        successRate.record(rate ?? 1)
    }
}

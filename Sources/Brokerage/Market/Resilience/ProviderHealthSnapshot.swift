import Foundation

/// A provider's health at one instant, for `/api/v1/provider-health/*`. Every field has a
/// meaningful value before the first call (zero counts, nil rates, a closed breaker).
public struct ProviderHealthSnapshot: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// No calls yet.
        case unknown
        case healthy
        /// Failing sometimes, or probing after an outage.
        case degraded
        /// Breaker open.
        case down
    }

    public struct Breaker: Sendable, Hashable, Codable {
        public var state: CircuitBreaker.State
        public var trips: Int
        public var consecutiveFailures: Int
        public var failureThreshold: Int
        public var openSeconds: Double
        /// Seconds until a probe is allowed, when open.
        public var retryAfterSeconds: Double?
    }

    public struct RateLimiter: Sendable, Hashable, Codable {
        public var ratePerMinute: Int
        public var burst: Int
        public var tokensAvailable: Double
        /// 0...1 of the burst currently used.
        public var utilization: Double
        public var rateLimitHits: Int
    }

    public struct Cache: Sendable, Hashable, Codable {
        public var hits: Int
        public var misses: Int
        public var staleServed: Int
        /// nil before any lookup.
        public var hitRatio: Double?
        public var ttlSeconds: Double
        /// Age of the cached value, nil when empty.
        public var ageSeconds: Double?
    }

    public var provider: ProviderID
    public var status: Status
    public var requests: Int
    public var successes: Int
    public var failures: Int
    /// Share of recent calls that succeeded; nil before any call.
    public var successRate: Double?
    /// Mean response time of calls in milliseconds; nil before any call.
    public var averageResponseMs: Double?
    /// Calls slower than the configured threshold.
    public var slowRequests: Int
    public var slowThresholdMs: Double
    /// Seconds the breaker has been continuously closed (0 while open or half-open).
    public var uptimeSeconds: Double
    /// Seconds since health tracking began.
    public var trackedSeconds: Double
    public var lastSuccessAt: Date?
    public var lastFailureAt: Date?
    /// Safe description of the last error.
    public var lastError: String?
    public var breaker: Breaker
    public var rateLimiter: RateLimiter
    public var cache: Cache
    public var at: Date
    /// What the provider's last successful fetch covered, with skip reasons; nil before
    /// one (filled in by ``ProviderHealthBoard``).
    public var coverage: ProviderCoverage? = nil
}

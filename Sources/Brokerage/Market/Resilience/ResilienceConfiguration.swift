/// Resilience settings for one provider.
public struct ResilienceConfiguration: Sendable, Hashable {
    public var breaker = CircuitBreaker.Configuration()
    /// Requests per minute the token bucket allows (product README: 50–150 per provider).
    public var ratePerMinute: Int
    public var burst: Int
    public var retry = RetryPolicy()
    public var cache = AdaptiveCacheConfiguration()
    /// Calls slower than this count as slow requests.
    public var slowThreshold: Duration = .seconds(5)
    /// How many recent calls the success rate (and so the cache TTL) looks at.
    public var successWindow = 50

    public init(ratePerMinute: Int = 100, burst: Int = 10) {
        self.ratePerMinute = ratePerMinute
        self.burst = burst
    }

    /// Defaults per provider: Vast rate-limits hardest per identity.
    public static func `default`(for provider: ProviderID) -> ResilienceConfiguration {
        switch provider {
        case .vastai: ResilienceConfiguration(ratePerMinute: 50, burst: 5)
        case .akash: ResilienceConfiguration(ratePerMinute: 100, burst: 10)
        case .ionet: ResilienceConfiguration(ratePerMinute: 150, burst: 20)
        case .render: ResilienceConfiguration(ratePerMinute: 60, burst: 5)
        // Never fetched (listings live in the database); a value keeps the switch total.
        case .gp4u: ResilienceConfiguration(ratePerMinute: 600, burst: 60)
        }
    }
}

import Foundation

/// Caches a provider's last good answer with a TTL that follows the provider's recent
/// success rate, and keeps serving it (flagged stale) while the provider is down.
///
/// TTL tiers (product README): success ≥ 90 % → 300 s; 70–90 % → 45 s; < 70 % → 10 s;
/// no history yet counts as reliable. Within the TTL the value is fresh and the provider
/// is not called. After it, the value is stale: the caller revalidates, and if that fails
/// the stale value is served with `stale = true` (stale-if-error) for up to `maxStale`;
/// older data is hidden rather than shown as current.
public struct AdaptiveCache<Value: Sendable>: Sendable {
    public typealias Configuration = AdaptiveCacheConfiguration

    public enum Lookup: Sendable {
        case fresh(Value, storedAt: Date)
        case stale(Value, storedAt: Date)
        case miss
    }

    public let configuration: Configuration
    private var entry: (value: Value, storedAt: Date)?
    public private(set) var hits = 0
    public private(set) var misses = 0
    public private(set) var staleServed = 0

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// The TTL for a success rate in 0...1 (nil: no calls yet).
    public func ttl(successRate: Double?) -> Duration {
        guard let rate = successRate else { return configuration.reliableTTL }
        if rate >= 0.9 { return configuration.reliableTTL }
        if rate >= 0.7 { return configuration.moderateTTL }
        return configuration.unreliableTTL
    }

    /// Looks the value up and counts a hit (fresh) or a miss (stale or empty).
    public mutating func lookup(at now: Date, successRate: Double?) -> Lookup {
        let result = peek(at: now, successRate: successRate)
        if case .fresh = result { hits += 1 } else { misses += 1 }
        return result
    }

    /// Looks without counting.
    public func peek(at now: Date, successRate: Double?) -> Lookup {
        guard let entry else { return .miss }
        let age = now.timeIntervalSince(entry.storedAt)
        if age < ttl(successRate: successRate).seconds { return .fresh(entry.value, storedAt: entry.storedAt) }
        if age <= configuration.maxStale.seconds { return .stale(entry.value, storedAt: entry.storedAt) }
        return .miss
    }

    /// The stale value to serve after a failed revalidation, counted; nil if none or too old.
    public mutating func serveStale(at now: Date) -> (value: Value, storedAt: Date)? {
        guard let entry, now.timeIntervalSince(entry.storedAt) <= configuration.maxStale.seconds else { return nil }
        staleServed += 1
        return entry
    }

    public mutating func store(_ value: Value, at now: Date) { entry = (value, now) }

    /// Operator invalidation: the next fetch goes to the provider.
    public mutating func invalidate() { entry = nil }

    /// When the cached value was fetched, if any.
    public var storedAt: Date? { entry?.storedAt }

    /// Fresh hits over lookups; nil before any lookup.
    public var hitRatio: Double? {
        let total = hits + misses
        return total == 0 ? nil : Double(hits) / Double(total)
    }
}

/// TTL tiers and the stale limit of an ``AdaptiveCache``.
public struct AdaptiveCacheConfiguration: Sendable, Hashable {
    public var reliableTTL: Duration = .seconds(300)
    public var moderateTTL: Duration = .seconds(45)
    public var unreliableTTL: Duration = .seconds(10)
    /// Older cached data is not served even when the provider is down.
    public var maxStale: Duration = .seconds(3600)
    public init() {}
}

import Foundation

/// All providers at a glance, for `GET /api/v1/provider-health/health` and
/// `/metrics/summary`: the worst status wins, so one provider down shows as degraded
/// overall and every provider down as down.
public struct ProviderHealthSummary: Sendable, Hashable, Codable {
    public var status: ProviderHealthSnapshot.Status
    public var providers: [ProviderHealthSnapshot]
    public var healthy: Int
    public var degraded: Int
    public var down: Int
    public var unknown: Int
    public var requests: Int
    /// Successes over requests across providers; nil before any call.
    public var successRate: Double?
    public var rateLimitHits: Int
    public var breakerTrips: Int
    public var at: Date

    public init(providers: [ProviderHealthSnapshot], at: Date) {
        self.providers = providers
        self.at = at
        healthy = providers.filter { $0.status == .healthy }.count
        degraded = providers.filter { $0.status == .degraded }.count
        down = providers.filter { $0.status == .down }.count
        unknown = providers.filter { $0.status == .unknown }.count
        requests = providers.reduce(0) { $0 + $1.requests }
        let successes = providers.reduce(0) { $0 + $1.successes }
        successRate = requests == 0 ? nil : Double(successes) / Double(requests)
        rateLimitHits = providers.reduce(0) { $0 + $1.rateLimiter.rateLimitHits }
        breakerTrips = providers.reduce(0) { $0 + $1.breaker.trips }
        if providers.isEmpty || unknown == providers.count {
            status = .unknown
        } else if down == providers.count {
            status = .down
        } else if down > 0 || degraded > 0 {
            status = .degraded
        } else {
            status = .healthy
        }
    }
}

extension ProviderHealthBoard {
    /// Every provider's health plus totals.
    public func summary(at now: Date = Date()) async -> ProviderHealthSummary {
        ProviderHealthSummary(providers: await snapshots(), at: now)
    }
}

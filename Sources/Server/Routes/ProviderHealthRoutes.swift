import Brokerage
import Foundation
import Hummingbird
import Timekeeping

/// `/api/v1/provider-health`: the resilience layer of each configured provider (breaker,
/// rate limiter, cache, call statistics) and the operator's levers. Everything answers
/// before any provider has been called; a name that is not a configured provider is 404.
struct ProviderHealthRoutes {
    let deps: AppDependencies
    var board: ProviderHealthBoard { deps.providerHealth }

    struct ActionView: Codable {
        let provider: String?
        let action: String
        var done = true
        let at: String
    }

    func register(on api: APIRouter) {
        let base = "/api/v1/provider-health"
        // 401 and 403 are added to the OpenAPI document from each route's access.
        let unknown: [Int: String] = [200: "OK", 404: "Provider not configured"]

        api.add(
            RouteSpec(
                .get, "\(base)/health", "Overall provider health (worst status wins) with each provider",
                tag: "provider-health", returns: ProviderHealthSummary.self, keys: .snakeCase)
        ) { _, _ in
            try Self.json(await board.summary(at: now()))
        }
        api.add(
            RouteSpec(
                .get, "\(base)/providers/{name}/health", "One provider's health", tag: "provider-health",
                returns: ProviderHealthSnapshot.self, keys: .snakeCase, responses: unknown)
        ) { _, context in
            let p = try provider(context)
            guard let s = await board.snapshot(of: p) else { throw Self.notConfigured(p.rawValue) }
            return try Self.json(s)
        }
        api.add(
            // Signed-in callers only: each check spends the provider's rate budget, which an
            // anonymous loop could take from the sync.
            RouteSpec(
                .post, "\(base)/providers/{name}/health-check",
                "Call the provider now (through its breaker and limiter) and report", tag: "provider-health",
                access: .user, returns: ProviderHealthSnapshot.self, keys: .snakeCase, responses: unknown)
        ) { _, context in
            let p = try provider(context)
            guard let s = await board.healthCheck(p) else { throw Self.notConfigured(p.rawValue) }
            return try Self.json(s)
        }
        list(on: api, "\(base)/circuit-breakers", "Circuit breaker of each provider") {
            BreakerView(provider: $0.provider, breaker: $0.breaker)
        }
        api.add(
            RouteSpec(
                .post, "\(base)/circuit-breakers/{name}/reset", "Close a provider's breaker", tag: "provider-health",
                access: .operator, returns: ActionView.self, responses: unknown)
        ) { _, context in
            let p = try provider(context)
            guard await board.resetBreaker(p) else { throw Self.notConfigured(p.rawValue) }
            return try .json(
                ActionView(
                    provider: p.rawValue, action: "circuit_breaker_reset", at: RFC3339.format(deps.clock.epochSeconds)))
        }
        list(on: api, "\(base)/rate-limiters", "Token bucket of each provider") {
            LimiterView(provider: $0.provider, rateLimiter: $0.rateLimiter)
        }
        api.add(
            RouteSpec(
                .post, "\(base)/rate-limiters/reset-all", "Refill every provider's token bucket",
                tag: "provider-health", access: .operator, returns: ActionView.self)
        ) { _, _ in
            await board.resetAllRateLimiters()
            return try .json(
                ActionView(provider: nil, action: "rate_limiters_reset", at: RFC3339.format(deps.clock.epochSeconds)))
        }
        list(on: api, "\(base)/cache/stats", "Response cache of each provider") {
            CacheView(provider: $0.provider, cache: $0.cache)
        }
        api.add(
            RouteSpec(
                .post, "\(base)/cache/invalidate/{name}", "Drop a provider's cached offers", tag: "provider-health",
                access: .operator, returns: ActionView.self, responses: unknown)
        ) { _, context in
            let p = try provider(context)
            guard await board.invalidateCache(p) else { throw Self.notConfigured(p.rawValue) }
            return try .json(
                ActionView(
                    provider: p.rawValue, action: "cache_invalidated", at: RFC3339.format(deps.clock.epochSeconds)))
        }
        api.add(
            RouteSpec(
                .get, "\(base)/metrics/summary",
                "Totals over providers: requests, success rate, rate-limit hits, breaker trips", tag: "provider-health",
                returns: MetricsView.self, keys: .snakeCase)
        ) { _, _ in
            let s = await board.summary(at: now())
            return try Self.json(
                MetricsView(
                    status: s.status, healthy: s.healthy, degraded: s.degraded, down: s.down, unknown: s.unknown,
                    requests: s.requests,
                    successRate: s.successRate, rateLimitHits: s.rateLimitHits, breakerTrips: s.breakerTrips, at: s.at))
        }
    }

    struct BreakerView: Codable {
        let provider: ProviderID
        let breaker: ProviderHealthSnapshot.Breaker
    }
    struct LimiterView: Codable {
        let provider: ProviderID
        let rateLimiter: ProviderHealthSnapshot.RateLimiter
    }
    struct CacheView: Codable {
        let provider: ProviderID
        let cache: ProviderHealthSnapshot.Cache
    }
    struct MetricsView: Codable {
        let status: ProviderHealthSnapshot.Status
        let healthy, degraded, down, unknown, requests: Int
        let successRate: Double?
        let rateLimitHits, breakerTrips: Int
        let at: Date
    }

    private func now() -> Date { deps.clock.now }

    /// One part of every provider's snapshot, listed as `{"items": [{provider, part}]}`.
    private func list<View: Codable & Sendable>(
        on api: APIRouter, _ path: String, _ summary: String,
        _ view: @escaping @Sendable (ProviderHealthSnapshot) -> View
    ) {
        api.add(
            RouteSpec(.get, path, summary, tag: "provider-health", returns: ItemList<View>.self, keys: .snakeCase)
        ) { _, _ in
            try Self.json(ItemList(items: await board.snapshots().map(view)))
        }
    }

    /// The `{name}` path segment as a configured provider; anything else is 404.
    private func provider(_ context: AppRequestContext) throws -> ProviderID {
        let name = try context.parameters.require("name")
        guard let p = ProviderID(rawValue: name.lowercased()), board.providers.contains(p) else {
            throw Self.notConfigured(name)
        }
        return p
    }

    private static func notConfigured(_ name: String) -> APIError {
        APIError(.notFound, code: "provider_not_found", message: "no configured provider named \(name.prefix(40))")
    }

    /// The domain's health types are Codable in Swift naming; the API speaks snake_case
    /// with RFC 3339 UTC times, so they are encoded with those strategies here.
    private static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(RFC3339.format(date))
        }
        let data = try encoder.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

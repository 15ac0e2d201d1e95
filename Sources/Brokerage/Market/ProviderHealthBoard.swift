/// The provider-health API's view of all feeds: snapshots and operator actions.
/// Every method answers before any provider has been called.
public struct ProviderHealthBoard: Sendable {
    public let feeds: [ProviderFeed]

    public init(feeds: [ProviderFeed]) { self.feeds = feeds }

    /// Configured providers, in a stable order.
    public var providers: [ProviderID] { feeds.map(\.provider) }

    private func feed(_ provider: ProviderID) -> ProviderFeed? { feeds.first { $0.provider == provider } }

    /// Health of every configured provider.
    public func snapshots() async -> [ProviderHealthSnapshot] {
        var result: [ProviderHealthSnapshot] = []
        for feed in feeds { result.append(await Self.snapshot(of: feed)) }
        return result
    }

    /// The fetcher's health with what the last fetch covered (offers seen, full answers,
    /// skips by reason).
    private static func snapshot(of feed: ProviderFeed) async -> ProviderHealthSnapshot {
        var s = await feed.fetcher.snapshot()
        s.coverage = feed.coverage.latest
        return s
    }

    /// Health of one provider; nil when it is not configured.
    public func snapshot(of provider: ProviderID) async -> ProviderHealthSnapshot? {
        guard let feed = feed(provider) else { return nil }
        return await Self.snapshot(of: feed)
    }

    /// Calls the provider now (through the layer) and reports its health afterwards.
    public func healthCheck(_ provider: ProviderID) async -> ProviderHealthSnapshot? {
        guard let feed = feed(provider) else { return nil }
        // One attempt: the caller waits for this answer (a down provider with retries and
        // backoff held the request past any client's timeout).
        _ = try? await feed.fetch(forceRefresh: true, retrying: false)
        return await Self.snapshot(of: feed)
    }

    /// Closes a provider's breaker; false when the provider is not configured.
    @discardableResult
    public func resetBreaker(_ provider: ProviderID) async -> Bool {
        guard let feed = feed(provider) else { return false }
        await feed.fetcher.resetBreaker()
        return true
    }

    /// Refills every provider's token bucket.
    public func resetAllRateLimiters() async {
        for feed in feeds { await feed.fetcher.resetRateLimiter() }
    }

    /// Drops a provider's cached offers; false when the provider is not configured.
    @discardableResult
    public func invalidateCache(_ provider: ProviderID) async -> Bool {
        guard let feed = feed(provider) else { return false }
        await feed.fetcher.invalidateCache()
        return true
    }
}

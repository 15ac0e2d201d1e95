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
        for feed in feeds { result.append(await feed.fetcher.snapshot()) }
        return result
    }

    /// Health of one provider; nil when it is not configured.
    public func snapshot(of provider: ProviderID) async -> ProviderHealthSnapshot? {
        await feed(provider)?.fetcher.snapshot()
    }

    /// Calls the provider now (through the layer) and reports its health afterwards.
    public func healthCheck(_ provider: ProviderID) async -> ProviderHealthSnapshot? {
        guard let feed = feed(provider) else { return nil }
        _ = try? await feed.fetch(forceRefresh: true)
        return await feed.fetcher.snapshot()
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

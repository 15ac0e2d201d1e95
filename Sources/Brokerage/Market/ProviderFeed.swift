/// An adapter paired with its resilience layer: what the sync service and the
/// provider-health API work with.
public struct ProviderFeed: Sendable {
    public let source: any OfferSource
    public let fetcher: ResilientFetcher<[Offer]>

    public init(source: any OfferSource, fetcher: ResilientFetcher<[Offer]>) {
        precondition(
            source.provider == fetcher.provider, "feed pairs \(source.provider) with the fetcher of \(fetcher.provider)"
        )
        self.source = source
        self.fetcher = fetcher
    }

    public var provider: ProviderID { source.provider }

    /// Offers through the resilience layer; stale results have every offer flagged `stale`.
    public func fetch(forceRefresh: Bool = false) async throws(MarketFetchError) -> Fetched<[Offer]> {
        let source = self.source
        var result = try await fetcher.fetch(forceRefresh: forceRefresh) { pacer in
            try await source.fetchOffers(pacer: pacer)
        }
        if result.stale {
            result.value = result.value.map { offer in
                var o = offer
                o.stale = true
                return o
            }
        }
        return result
    }
}

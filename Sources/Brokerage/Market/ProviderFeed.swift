/// An adapter paired with its resilience layer: what the sync service and the
/// provider-health API work with.
public struct ProviderFeed: Sendable {
    public let source: any OfferSource
    public let fetcher: ResilientFetcher<[Offer]>
    /// What the last successful fetch covered (kept beside the fetcher's cache, which
    /// holds offers only).
    public let coverage = CoverageLog()

    public init(source: any OfferSource, fetcher: ResilientFetcher<[Offer]>) {
        precondition(
            source.provider == fetcher.provider, "feed pairs \(source.provider) with the fetcher of \(fetcher.provider)"
        )
        self.source = source
        self.fetcher = fetcher
    }

    public var provider: ProviderID { source.provider }

    /// Offers through the resilience layer; stale results have every offer flagged `stale`.
    public func fetch(forceRefresh: Bool = false, retrying: Bool = true) async throws(MarketFetchError)
        -> Fetched<[Offer]>
    {
        let source = self.source
        let log = coverage
        var result = try await fetcher.fetch(forceRefresh: forceRefresh, retrying: retrying) { pacer in
            let batch = try await source.fetchBatch(pacer: pacer)
            log.record(batch.coverage)
            return batch.offers
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

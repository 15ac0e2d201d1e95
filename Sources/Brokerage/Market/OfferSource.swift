/// A provider adapter: fetches that provider's current offers. Implemented by the HTTP
/// adapters in `Providers` and by fakes in tests; always called through a
/// ``ResilientFetcher``, which hands it the pacer to call before each HTTP request.
public protocol OfferSource: Sendable {
    var provider: ProviderID { get }
    /// Current offers; throws ``ProviderCallError`` for provider failures. Individual
    /// malformed offers are skipped (and counted), not thrown.
    func fetchOffers(pacer: RequestPacer) async throws -> [Offer]
    /// Current offers with what they cover (queries made, full answers, skips). The
    /// default wraps ``fetchOffers(pacer:)`` as one complete query.
    func fetchBatch(pacer: RequestPacer) async throws -> OfferBatch
}

extension OfferSource {
    public func fetchBatch(pacer: RequestPacer) async throws -> OfferBatch {
        let offers = try await fetchOffers(pacer: pacer)
        return OfferBatch(
            offers: offers, coverage: ProviderCoverage(offersSeen: offers.count, offersListed: offers.count))
    }
}

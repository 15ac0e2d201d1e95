/// One provider fetch: the offers, and what part of the provider's market they cover.
public struct OfferBatch: Sendable {
    public var offers: [Offer]
    public var coverage: ProviderCoverage

    public init(offers: [Offer], coverage: ProviderCoverage) {
        self.offers = offers
        self.coverage = coverage
    }
}

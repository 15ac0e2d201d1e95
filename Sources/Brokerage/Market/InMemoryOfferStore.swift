import Foundation

/// An ``OfferStore`` in memory: for tests, benchmarks and a run without a database.
public actor InMemoryOfferStore: OfferStore {
    private var offers: [String: Offer] = [:]
    private var history: [PriceHistoryPoint] = []

    public init(offers: [Offer] = []) {
        for offer in offers { self.offers[offer.id] = offer }
    }

    public func replaceOffers(from provider: ProviderID, with incoming: [Offer], at time: Date) -> OfferReplacement {
        var result = OfferReplacement(inserted: 0, updated: 0, markedUnavailable: 0)
        var seen = Set<String>()
        for offer in incoming where offer.provider == provider {
            seen.insert(offer.id)
            if offers.updateValue(offer, forKey: offer.id) == nil { result.inserted += 1 } else { result.updated += 1 }
        }
        for (id, var offer) in offers where offer.provider == provider && !seen.contains(id) && offer.available {
            offer.available = false
            offer.availableUnits = 0
            offers[id] = offer
            result.markedUnavailable += 1
        }
        return result
    }

    public func allOffers() -> [Offer] { Array(offers.values) }

    public func recordPriceHistory(_ points: [PriceHistoryPoint]) {
        history.append(contentsOf: points)
    }

    public func priceHistory(model: GPUModel, provider: ProviderID?, since: Date) -> [PriceHistoryPoint] {
        history.filter { $0.model == model && $0.provider == provider && $0.t >= since }.sorted { $0.t < $1.t }
    }
}

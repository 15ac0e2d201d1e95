import Foundation

/// Where the sync service keeps offers and price history; implemented on SQLite and
/// PostgreSQL by `Storage`, and in memory by ``InMemoryOfferStore`` for tests and for a
/// database-less run. Phrased in market terms; implementations must be safe to call
/// concurrently.
public protocol OfferStore: Sendable {
    /// Makes `offers` the current offers of `provider` as of `time`: inserts new ones,
    /// updates known ones (by `Offer.id`), and marks this provider's offers that are not in
    /// `offers` unavailable (they vanished; they stay addressable by id).
    func replaceOffers(from provider: ProviderID, with offers: [Offer], at time: Date) async throws -> OfferReplacement

    /// All offers known, available or not, for rebuilding the in-memory index.
    func allOffers() async throws -> [Offer]

    /// Appends one interval's price summaries.
    func recordPriceHistory(_ points: [PriceHistoryPoint]) async throws

    /// Points for a model (and one provider, or nil for all providers together) at or
    /// after `since`, oldest first.
    func priceHistory(model: GPUModel, provider: ProviderID?, since: Date) async throws -> [PriceHistoryPoint]
}

/// What a replacement changed, for logs and metrics.
public struct OfferReplacement: Sendable, Hashable, Codable {
    public var inserted: Int
    public var updated: Int
    public var markedUnavailable: Int

    public init(inserted: Int, updated: Int, markedUnavailable: Int) {
        self.inserted = inserted
        self.updated = updated
        self.markedUnavailable = markedUnavailable
    }
}

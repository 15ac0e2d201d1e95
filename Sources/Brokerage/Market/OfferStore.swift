import Foundation

/// Where the sync service keeps offers and price history; implemented on SQLite and
/// PostgreSQL by `Storage`, and in memory by ``InMemoryOfferStore`` for tests and for a
/// database-less run. Phrased in market terms; implementations must be safe to call
/// concurrently.
public protocol OfferStore: Sendable {
    /// Makes `offers` the current offers of `provider` as of `time`: inserts new ones,
    /// updates known ones (by `Offer.id`), and marks this provider's offers that are not in
    /// `offers` unavailable (they vanished; they stay addressable by id). Not one
    /// transaction: readers may see part of a large replacement for a moment, and a store
    /// may write only what changed, as long as the offers it returns afterwards are those
    /// given (an unchanged offer's ``Offer/lastSynced`` is the round's).
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
    /// Offers sent again with nothing but their sync time changed: a store may skip
    /// rewriting them (the SQL stores do; the in-memory one counts them as updated).
    public var unchanged: Int

    public init(inserted: Int, updated: Int, markedUnavailable: Int, unchanged: Int = 0) {
        self.inserted = inserted
        self.updated = updated
        self.markedUnavailable = markedUnavailable
        self.unchanged = unchanged
    }
}

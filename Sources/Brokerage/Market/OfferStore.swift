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

    /// Per provider, how the machines rented from it since `since` fared (for the G-Score).
    func providerDelivery(since: Int64) async throws -> [ProviderID: ProviderDelivery]

    /// Merges one sync's price summaries into their hour's points: one point per model,
    /// provider and hour, updated in place (``PriceHistoryPoint/merged(with:at:)``).
    func recordPriceHistory(_ points: [PriceHistoryPoint]) async throws

    /// Points of a model (one provider, or nil for all providers together) stamped in
    /// `[from, to)`, one per `interval`, oldest first. `.hour` answers hours (hours older
    /// than 90 days exist only as days); `.day` folds hours into days beside the daily points.
    func priceHistory(
        model: GPUModel, provider: ProviderID?, from: Date, to: Date, interval: PriceInterval
    ) async throws -> [PriceHistoryPoint]

    /// Folds raw points older than 48 hours into hours and hours older than 90 days into
    /// days (``PriceHistoryFold``), so the history grows by one point per model, provider
    /// and day once it is old.
    func foldPriceHistory(now: Date) async throws -> PriceHistoryFold
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

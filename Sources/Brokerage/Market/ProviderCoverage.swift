import Foundation

/// How much of a provider's market one fetch saw: the sync's answer to "did we list
/// every offer?". Shown per provider in `/api/v1/provider-health` and in each
/// ``SyncReport``.
public struct ProviderCoverage: Sendable, Hashable, Codable {
    /// Distinct offers in the provider's answers (after de-duplication by offer id).
    public var offersSeen: Int
    /// Offers listed: those seen minus those skipped.
    public var offersListed: Int
    /// HTTP queries the fetch made.
    public var queries: Int
    /// Answers that came back full (as many offers as the query's limit): each was split
    /// into narrower queries, so a full answer is expected, never a loss, unless
    /// ``complete`` is false.
    public var limitHits: Int
    /// False when some part of the market could not be split under the limit (or the
    /// query budget ran out): offers may be missing.
    public var complete: Bool
    /// Offers not listed, by reason (`malformed`, `no_price`): only malformed offers are
    /// skipped; a GPU outside the catalogue is listed under a derived id.
    public var skipped: [String: Int]

    public init(
        offersSeen: Int, offersListed: Int, queries: Int = 1, limitHits: Int = 0, complete: Bool = true,
        skipped: [String: Int] = [:]
    ) {
        self.offersSeen = offersSeen
        self.offersListed = offersListed
        self.queries = queries
        self.limitHits = limitHits
        self.complete = complete
        self.skipped = skipped
    }
}

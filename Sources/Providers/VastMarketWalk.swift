import Brokerage
import Foundation

/// The walk over Vast.ai's price axis that lists the whole market under a per-answer
/// limit (see ``VastAdapter``): a pure state machine, so the adapter only sends the
/// band it names and hands back the answer.
struct VastMarketWalk {
    /// One query's slice of the market.
    enum Band: Sendable, Equatable {
        /// Offers priced at or above (`inclusive`) or above the floor, cheapest first; no
        /// floor for the first query.
        case from(Double?, inclusive: Bool)
        /// Offers at exactly this price with an id above `afterID`, by id: a price
        /// shared by more offers than one answer holds.
        case atPrice(Double, afterID: Int64?)
    }

    let limit: Int
    /// The next query to send; nil when the walk is done.
    private(set) var nextBand: Band? = .from(nil, inclusive: true)
    /// Every well-formed offer seen, de-duplicated by offer id.
    private(set) var offers: [Int64: VastAdapter.RawOffer] = [:]
    /// Elements that did not decode as an offer.
    private(set) var malformed = 0
    /// Answers that held `limit` offers (each split further).
    private(set) var fullAnswers = 0

    init(limit: Int) { self.limit = max(1, limit) }

    /// Takes the answer to `band` and decides the next band.
    mutating func absorb(_ data: Data, from band: Band) throws(ProviderCallError) {
        let elements = try VastAdapter.envelope(data).offers
        var top: Double?
        var lastID: Int64?
        for element in elements {
            guard let raw = element.value else {
                malformed += 1
                continue
            }
            offers[raw.id] = raw
            if let price = raw.dph_total?.value, price.isFinite { top = max(top ?? price, price) }
            lastID = max(lastID ?? raw.id, raw.id)
        }
        let full = elements.count >= limit
        if full { fullAnswers += 1 }
        switch band {
        case .from(let floor, _):
            guard full, let top else {
                nextBand = nil
                return
            }
            if let floor, top <= floor {
                nextBand = .atPrice(top, afterID: nil)
            } else {
                nextBand = .from(top, inclusive: true)
            }
        case .atPrice(let price, _):
            if full, let lastID {
                nextBand = .atPrice(price, afterID: lastID)
            } else {
                nextBand = .from(price, inclusive: false)
            }
        }
    }
}

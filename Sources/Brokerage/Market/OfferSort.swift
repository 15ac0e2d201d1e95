/// Orders of search results. Prices sort cheapest first; scores and reliability best first;
/// ties break on the offer id so pages are stable.
public enum OfferSort: String, Sendable, Hashable, Codable, CaseIterable {
    /// Price per GPU-hour, ascending.
    case price
    /// Price per performance point, ascending; offers without a performance score are left out.
    case pricePerPerf = "price_per_perf"
    /// G-Score, descending.
    case gScore = "g_score"
    /// Reliability, descending.
    case reliability

    /// An ascending integer key: prices in micro-units, scores negated in 1e-9 steps; nil
    /// when the offer has no place in this order (no performance score for
    /// `price_per_perf`), so searches in that order leave it out.
    func key(_ offer: Offer) -> Int64? {
        switch self {
        case .price: offer.pricePerGPUHour.micro
        case .pricePerPerf: offer.pricePerPerf?.micro
        case .gScore: -Int64((offer.gScore * 1e9).rounded())
        case .reliability: -Int64((offer.reliability * 1e9).rounded())
        }
    }
}

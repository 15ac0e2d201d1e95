import Ethereum
import Foundation

/// One interval's price summary for a model, per provider or across all providers
/// (`provider == nil`). Prices are per GPU-hour of available offers.
public struct PriceHistoryPoint: Sendable, Hashable, Codable {
    public var t: Date
    public var model: GPUModel
    /// nil: all providers together.
    public var provider: ProviderID?
    public var min: USDC
    public var median: USDC
    public var max: USDC
    public var offers: Int

    public init(t: Date, model: GPUModel, provider: ProviderID?, min: USDC, median: USDC, max: USDC, offers: Int) {
        self.t = t
        self.model = model
        self.provider = provider
        self.min = min
        self.median = median
        self.max = max
        self.offers = offers
    }

    /// Summarises offers into points per (model, provider) and per model across providers,
    /// all stamped `t`. Unavailable offers are left out: history tracks what one could rent.
    public static func summarize(_ offers: [Offer], at t: Date) -> [PriceHistoryPoint] {
        var groups: [GroupKey: [Int64]] = [:]
        for offer in offers where offer.available {
            groups[GroupKey(model: offer.model, provider: offer.provider), default: []].append(
                offer.pricePerGPUHour.micro)
            groups[GroupKey(model: offer.model, provider: nil), default: []].append(offer.pricePerGPUHour.micro)
        }
        return groups.compactMap { key, prices in
            let sorted = prices.sorted()
            guard let first = sorted.first, let last = sorted.last, let med = RobustStatistics.median(sorted: sorted)
            else { return nil }
            return PriceHistoryPoint(
                t: t, model: key.model, provider: key.provider,
                min: USDC(micro: first), median: USDC(micro: med), max: USDC(micro: last), offers: sorted.count)
        }
        .sorted { ($0.model.id, $0.provider?.rawValue ?? "") < ($1.model.id, $1.provider?.rawValue ?? "") }
    }

    private struct GroupKey: Hashable {
        let model: GPUModel
        let provider: ProviderID?
    }
}

import Ethereum
import Foundation

/// One interval's price summary for a model, per provider or across all providers
/// (`provider == nil`). Prices are per GPU-hour of available offers.
///
/// A point folds `samples` summaries (one per sync): `min` and `max` are the extremes
/// over them, `p10`, `median` and `p90` their sample-weighted means (percentiles do not
/// merge exactly; the mean of per-sync percentiles is what a chart of the interval
/// needs), and `offers` the most offers one sync saw.
public struct PriceHistoryPoint: Sendable, Hashable, Codable {
    /// Start of the interval (or the sync's time for a single summary).
    public var t: Date
    public var model: GPUModel
    /// nil: all providers together.
    public var provider: ProviderID?
    public var min: USDC
    public var p10: USDC
    public var median: USDC
    public var p90: USDC
    public var max: USDC
    public var offers: Int
    /// Summaries folded into this point.
    public var samples: Int

    /// `p10`/`p90` default to `min`/`max`: raw points written before percentiles were
    /// kept carry none, so their interval is bounded by its extremes.
    public init(
        t: Date, model: GPUModel, provider: ProviderID?, min: USDC, p10: USDC? = nil, median: USDC, p90: USDC? = nil,
        max: USDC, offers: Int, samples: Int = 1
    ) {
        self.t = t
        self.model = model
        self.provider = provider
        self.min = min
        self.p10 = p10 ?? min
        self.median = median
        self.p90 = p90 ?? max
        self.max = max
        self.offers = offers
        self.samples = Swift.max(1, samples)
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
                t: t, model: key.model, provider: key.provider, min: USDC(micro: first),
                p10: USDC(micro: nearestRank(sorted, 0.1)), median: USDC(micro: med),
                p90: USDC(micro: nearestRank(sorted, 0.9)), max: USDC(micro: last), offers: sorted.count)
        }
        .sorted(by: Self.seriesOrder)
    }

    /// This point and `other` (same model and provider) as one, stamped `t`.
    public func merged(with other: PriceHistoryPoint, at t: Date) -> PriceHistoryPoint {
        let total = samples + other.samples
        func mean(_ a: USDC, _ b: USDC) -> USDC {
            let sum = Int128(a.micro) * Int128(samples) + Int128(b.micro) * Int128(other.samples)
            return USDC(micro: Int64((sum + Int128(total) / 2) / Int128(total)))
        }
        return PriceHistoryPoint(
            t: t, model: model, provider: provider, min: Swift.min(min, other.min), p10: mean(p10, other.p10),
            median: mean(median, other.median), p90: mean(p90, other.p90), max: Swift.max(max, other.max),
            offers: Swift.max(offers, other.offers), samples: total)
    }

    /// Folds points into one per model, provider and `interval`, stamped with the
    /// interval's start; oldest first.
    public static func fold(_ points: [PriceHistoryPoint], into interval: PriceInterval) -> [PriceHistoryPoint] {
        var folded: [FoldKey: PriceHistoryPoint] = [:]
        for point in points.sorted(by: { $0.t < $1.t }) {
            let start = interval.start(of: point.t)
            let key = FoldKey(model: point.model, provider: point.provider, t: start)
            if let existing = folded[key] {
                folded[key] = existing.merged(with: point, at: start)
            } else {
                var first = point
                first.t = start
                folded[key] = first
            }
        }
        return folded.values.sorted(by: seriesOrder)
    }

    /// Oldest first, then by model and provider.
    static func seriesOrder(_ a: PriceHistoryPoint, _ b: PriceHistoryPoint) -> Bool {
        (a.t, a.model.id, a.provider?.rawValue ?? "") < (b.t, b.model.id, b.provider?.rawValue ?? "")
    }

    static func nearestRank(_ sorted: [Int64], _ p: Double) -> Int64 {
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(sorted.count - 1, Swift.max(0, rank - 1))]
    }

    private struct GroupKey: Hashable {
        let model: GPUModel
        let provider: ProviderID?
    }

    private struct FoldKey: Hashable {
        let model: GPUModel
        let provider: ProviderID?
        let t: Date
    }
}

import Foundation

/// An ``OfferStore`` in memory: for tests, benchmarks and a run without a database.
public actor InMemoryOfferStore: OfferStore {
    private var offers: [String: Offer] = [:]
    /// Hourly and daily points by interval, model, provider and start.
    private var points: [PointKey: PriceHistoryPoint] = [:]
    /// Raw points (one per sync) of an older history, folded into hours after 48 hours.
    private var raw: [PriceHistoryPoint]

    private struct PointKey: Hashable {
        let interval: PriceInterval
        let model: GPUModel
        let provider: ProviderID?
        let t: Date
    }

    public init(offers: [Offer] = [], rawPriceHistory: [PriceHistoryPoint] = []) {
        for offer in offers { self.offers[offer.id] = offer }
        raw = rawPriceHistory
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

    /// No machines are rented without a database.
    public func providerDelivery(since: Int64) -> [ProviderID: ProviderDelivery] { [:] }

    public func recordPriceHistory(_ incoming: [PriceHistoryPoint]) {
        for point in PriceHistoryPoint.fold(incoming, into: .hour) { merge(point, as: .hour) }
    }

    public func priceHistory(
        model: GPUModel, provider: ProviderID?, from: Date, to: Date, interval: PriceInterval
    ) -> [PriceHistoryPoint] {
        let stored = points.compactMap { key, point in
            key.model == model && key.provider == provider && key.t >= from && key.t < to
                && (interval == .day || key.interval == .hour) ? point : nil
        }
        let old = raw.filter { $0.model == model && $0.provider == provider && $0.t >= from && $0.t < to }
        return PriceHistoryPoint.fold(stored + old, into: interval)
    }

    public func foldPriceHistory(now: Date) -> PriceHistoryFold {
        let (rawCut, hourCut) = PriceHistoryFold.cuts(now: now)
        let oldRaw = raw.filter { $0.t < rawCut }
        raw.removeAll { $0.t < rawCut }
        for point in PriceHistoryPoint.fold(oldRaw, into: .hour) { merge(point, as: .hour) }
        let oldHours = points.filter { $0.key.interval == .hour && $0.key.t < hourCut }
        for key in oldHours.keys { points[key] = nil }
        for point in PriceHistoryPoint.fold(Array(oldHours.values), into: .day) { merge(point, as: .day) }
        return PriceHistoryFold(rawFolded: oldRaw.count, hoursFolded: oldHours.count)
    }

    /// Merges a point already stamped with its interval's start into the stored one.
    private func merge(_ point: PriceHistoryPoint, as interval: PriceInterval) {
        let key = PointKey(interval: interval, model: point.model, provider: point.provider, t: point.t)
        points[key] = points[key].map { $0.merged(with: point, at: point.t) } ?? point
    }
}

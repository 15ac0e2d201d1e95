import Ethereum
import Foundation

/// Cross-provider price gaps for each canonical model, precomputed once per sync so the
/// arbitrage endpoints are lookups.
///
/// Method (documented for the API):
/// - Only available offers with a positive price take part; estimates from providers in
///   `estimateExclusions` (Render's OBh sheet by default) are left out unless firm.
/// - For each model and provider P, the **reference price** is the median of the *other*
///   providers' prices for that model after removing outliers: with 3 or more such prices,
///   values beyond median ± 3 × 1.4826 × MAD are dropped (``RobustStatistics``); with fewer,
///   values above 3 × the model's overall median are dropped. Never the maximum: a $20/h
///   RTX 4090 listing cannot become the reference. The **reference offer** is the other
///   providers' offer priced closest to that median.
/// - P's **cheapest** offer is its lowest price that is not a low outlier within P's own
///   prices (same MAD rule), so a mispriced bait listing is not advertised as a deal.
/// - `spread_pct = (reference − cheapest) / reference × 100`: the share of the reference
///   price saved; it is below 100 by construction and only positive gaps are reported.
/// - `savings_per_hour` is per GPU-hour; `savings_per_month` assumes 730 hours.
/// - The same is done on price per performance point (``ArbitrageBasis/perPerformance``),
///   where savings are per GPU-hour at the cheapest offer's performance.
///
/// Building is linear in the number of offers once they are sorted (``MarketIndex`` hands
/// over its sorted orders); work is on integer keys and offer positions, not offer copies.
public struct ArbitrageBook: Sendable {
    /// Providers whose estimate prices stay out of arbitrage (Render quotes are sheets).
    public static let defaultEstimateExclusions: Set<ProviderID> = [.render]

    private let offers: [Offer]
    /// Per basis, per model: the precomputed provider sides.
    private let sides: [ArbitrageBasis: [GPUModel: [ProviderSide]]]

    struct ProviderSide: Sendable {
        var provider: ProviderID
        /// Positions of this provider's eligible offers, cheapest first, low outliers removed.
        var candidates: [Int32]
        var reference: Reference?
    }

    struct Reference: Sendable {
        var price: Int64
        var offer: Int32
        var sampleSize: Int
        var providers: [ProviderID]
    }

    /// Sorts the offers itself; ``MarketIndex`` uses the variant that reuses its orders.
    public init(offers: [Offer], estimateExclusions: Set<ProviderID> = defaultEstimateExclusions) {
        var orders: [ArbitrageBasis: [Int32]] = [:]
        for basis in ArbitrageBasis.allCases { orders[basis] = Self.ascendingPositions(offers.map(basis.key)) }
        self.init(offers: offers, orders: orders, estimateExclusions: estimateExclusions)
    }

    /// Positions ascending by key (ties by position). When the keys' spread and the
    /// positions fit, each (key - smallest key, position) is packed into one integer and
    /// sorted as plain integers, several times faster than sorting pairs with a
    /// comparison closure; others take the general path. Also sorts the market index.
    static func ascendingPositions(_ keys: [Int64]) -> [Int32] {
        let positionBits = 21
        guard let low = keys.min(), let high = keys.max() else { return [] }
        let (spread, overflow) = high.subtractingReportingOverflow(low)
        if keys.count <= 1 << positionBits, !overflow, spread < 1 << (63 - positionBits) {
            var packed = keys.indices.map { (keys[$0] - low) << positionBits | Int64($0) }
            packed.sort()
            return packed.map { Int32($0 & (1 << positionBits - 1)) }
        }
        var pairs = keys.indices.map { (key: keys[$0], index: Int32($0)) }
        pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        return pairs.map(\.index)
    }

    /// `orders[basis]` lists every offer position ascending by that basis' key.
    init(offers: [Offer], orders: [ArbitrageBasis: [Int32]], estimateExclusions: Set<ProviderID>) {
        self.offers = offers
        // One pass into compact columns (no reference-counted fields), so the per-basis
        // bucketing below touches only integers.
        let n = offers.count
        var eligible = [Bool](repeating: false, count: n)
        // Offers with no performance score stay out of the price-per-performance buckets.
        var hasPerf = [Bool](repeating: false, count: n)
        var slot = [Int32](repeating: 0, count: n)
        var providers = [ProviderID](repeating: .vastai, count: n)
        var keys: [ArbitrageBasis: [Int64]] = [:]
        for basis in ArbitrageBasis.allCases { keys[basis] = [Int64](repeating: 0, count: n) }
        var priceKeys = keys[.perGPUHour] ?? []
        var perfKeys = keys[.perPerformance] ?? []
        var models: [GPUModel] = []
        var slotOfUncatalogued: [GPUModel: Int32] = [:]
        var slotOfOrdinal = [Int32](repeating: -1, count: GPUModel.catalog.count)
        // Fields are read in place: copying each `Offer` out (retaining its strings) cost
        // more than the rest of this pass.
        offers.withUnsafeBufferPointer { offers in
            for i in 0..<n {
                eligible[i] =
                    offers[i].available && offers[i].pricePerGPUHour > .zero
                    && !(offers[i].priceKind == .estimate && estimateExclusions.contains(offers[i].provider))
                guard eligible[i] else { continue }
                let model = offers[i].model
                var s: Int32
                if model.ordinal >= 0 && model.ordinal < slotOfOrdinal.count {
                    s = slotOfOrdinal[model.ordinal]
                    if s < 0 {
                        s = Int32(models.count)
                        slotOfOrdinal[model.ordinal] = s
                        models.append(model)
                    }
                } else if let known = slotOfUncatalogued[model] {
                    s = known
                } else {
                    s = Int32(models.count)
                    slotOfUncatalogued[model] = s
                    models.append(model)
                }
                slot[i] = s
                providers[i] = offers[i].provider
                priceKeys[i] = offers[i].pricePerGPUHour.micro
                perfKeys[i] = offers[i].pricePerPerf?.micro ?? .max
                hasPerf[i] = offers[i].pricePerPerf != nil
            }
        }
        keys[.perGPUHour] = priceKeys
        keys[.perPerformance] = perfKeys
        var sides: [ArbitrageBasis: [GPUModel: [ProviderSide]]] = [:]
        for basis in ArbitrageBasis.allCases {
            let basisKeys = keys[basis] ?? []
            var buckets = [Bucket](repeating: Bucket(), count: models.count)
            let needsPerf = basis == .perPerformance
            for position in orders[basis] ?? [] where eligible[Int(position)] && (!needsPerf || hasPerf[Int(position)])
            {
                let i = Int(position)
                buckets[Int(slot[i])].append(position, key: basisKeys[i], provider: providers[i])
            }
            var perModel: [GPUModel: [ProviderSide]] = [:]
            for (s, model) in models.enumerated() { perModel[model] = Self.sides(of: buckets[s]) }
            sides[basis] = perModel
        }
        self.sides = sides
    }

    /// One model's eligible offers, ascending by key, as parallel arrays.
    struct Bucket {
        var positions: [Int32] = []
        var keys: [Int64] = []
        var providers: [ProviderID] = []

        mutating func append(_ position: Int32, key: Int64, provider: ProviderID) {
            positions.append(position)
            keys.append(key)
            providers.append(provider)
        }

        func filtered(_ include: (ProviderID) -> Bool) -> Bucket {
            var result = Bucket()
            for i in keys.indices where include(providers[i]) {
                result.append(positions[i], key: keys[i], provider: providers[i])
            }
            return result
        }
    }

    private static func sides(of bucket: Bucket) -> [ProviderSide] {
        let present = distinct(bucket.providers)
        let modelMedian = RobustStatistics.median(sorted: bucket.keys) ?? 0
        return present.map { provider in
            let own = bucket.filtered { $0 == provider }
            let floor = RobustStatistics.inlierBand(sorted: own.keys)?.lowerBound ?? Int64.min
            let firstKept = own.keys.firstIndex { $0 >= floor } ?? own.keys.count
            let candidates = Array(own.positions[firstKept...])
            guard present.count >= 2 else {
                return ProviderSide(provider: provider, candidates: candidates, reference: nil)
            }
            let others = bucket.filtered { $0 != provider }
            var lo = 0
            var hi = others.keys.count
            if let band = RobustStatistics.inlierBand(sorted: others.keys) {
                lo = RobustStatistics.lowerBound(others.keys, band.lowerBound)
                hi = RobustStatistics.upperBound(others.keys, band.upperBound)
            } else if others.keys.count < 3 {
                hi = RobustStatistics.upperBound(others.keys, modelMedian * 3)
            }
            guard lo < hi, let median = RobustStatistics.median(sorted: others.keys[lo..<hi]) else {
                return ProviderSide(provider: provider, candidates: candidates, reference: nil)
            }
            var nearest = min(max(RobustStatistics.lowerBound(others.keys, median), lo), hi - 1)
            if nearest > lo, abs(others.keys[nearest - 1] - median) <= abs(others.keys[nearest] - median) {
                nearest -= 1
            }
            let reference = Reference(
                price: median, offer: others.positions[nearest], sampleSize: hi - lo,
                providers: distinct(others.providers[lo..<hi], atMost: present.count - 1))
            return ProviderSide(provider: provider, candidates: candidates, reference: reference)
        }
    }

    /// The providers named in `providers`, sorted; stops once `atMost` are found. A scan of
    /// a few candidates, because hashing a provider hashes its name.
    private static func distinct(_ providers: some Sequence<ProviderID>, atMost limit: Int = .max) -> [ProviderID] {
        var found: [ProviderID] = []
        for p in providers where !found.contains(p) {
            found.append(p)
            if found.count == limit { break }
        }
        return found.sorted()
    }

    /// The best opportunity per model (largest spread), largest first.
    public func opportunities(
        minSpreadPct: Double = 0, model: GPUModel? = nil, minReliability: Double? = nil,
        basis: ArbitrageBasis = .perGPUHour
    ) -> [ArbitrageOpportunity] {
        let models = model.map { [$0] } ?? Array((sides[basis] ?? [:]).keys)
        return models.compactMap { best(for: $0, minReliability: minReliability, basis: basis) }
            .filter { $0.spreadPct >= minSpreadPct }
            .sorted { $0.spreadPct != $1.spreadPct ? $0.spreadPct > $1.spreadPct : $0.gpuModel < $1.gpuModel }
    }

    /// The largest cross-provider gap for one model, if any provider undercuts the others.
    public func best(for model: GPUModel, minReliability: Double? = nil, basis: ArbitrageBasis = .perGPUHour)
        -> ArbitrageOpportunity?
    {
        (sides[basis]?[model] ?? []).compactMap {
            opportunity(side: $0, model: model, minReliability: minReliability, basis: basis)
        }
        .max { $0.spreadPct != $1.spreadPct ? $0.spreadPct < $1.spreadPct : $0.cheapest.id > $1.cheapest.id }
    }

    /// The cheapest eligible offer of a model across providers, with its gap to the other
    /// providers' reference when there is one (`GET /arbitrage/best-deal/{model}`).
    public func bestDeal(for model: GPUModel, minReliability: Double? = nil, basis: ArbitrageBasis = .perGPUHour)
        -> BestDeal?
    {
        var chosen: (offer: Offer, side: ProviderSide)?
        for side in sides[basis]?[model] ?? [] {
            guard let offer = cheapest(in: side, minReliability: minReliability) else { continue }
            if chosen.map({ basis.key(offer) < basis.key($0.offer) }) ?? true { chosen = (offer, side) }
        }
        guard let chosen else { return nil }
        return BestDeal(
            gpuModel: model, offer: chosen.offer,
            opportunity: opportunity(side: chosen.side, model: model, minReliability: minReliability, basis: basis))
    }

    /// What renting the best opportunity saves at `hoursPerDay` (`GET /arbitrage/savings/{model}`).
    public func savings(for model: GPUModel, hoursPerDay: Double, minReliability: Double? = nil) -> SavingsEstimate? {
        guard let o = best(for: model, minReliability: minReliability), hoursPerDay.isFinite, hoursPerDay > 0,
            hoursPerDay <= 24
        else { return nil }
        let perDay = USDC(micro: Int64((Double(o.savingsPerHour.micro) * hoursPerDay).rounded()))
        let perMonth = USDC(micro: Int64((Double(o.savingsPerHour.micro) * hoursPerDay * 365 / 12).rounded()))
        return SavingsEstimate(
            gpuModel: model, hoursPerDay: hoursPerDay, opportunity: o, savingsPerDay: perDay, savingsPerMonth: perMonth)
    }

    private func cheapest(in side: ProviderSide, minReliability: Double?) -> Offer? {
        let floor = minReliability ?? 0
        for position in side.candidates where offers[Int(position)].reliability >= floor {
            return offers[Int(position)]
        }
        return nil
    }

    private func opportunity(side: ProviderSide, model: GPUModel, minReliability: Double?, basis: ArbitrageBasis)
        -> ArbitrageOpportunity?
    {
        guard let reference = side.reference, let cheapest = cheapest(in: side, minReliability: minReliability) else {
            return nil
        }
        let cheapKey = basis.key(cheapest)
        guard reference.price > 0, cheapKey < reference.price else { return nil }
        let gap = reference.price - cheapKey
        let spread = Double(gap) / Double(reference.price) * 100
        let perGPUHour: Int64
        switch basis {
        case .perGPUHour: perGPUHour = gap
        case .perPerformance:
            perGPUHour = Int64((Double(gap) * (cheapest.perfScore ?? 0) / Double(cheapest.gpuCount)).rounded())
        }
        return ArbitrageOpportunity(
            gpuModel: model, basis: basis, cheapest: cheapest, reference: offers[Int(reference.offer)],
            referencePrice: USDC(micro: reference.price), referenceSampleSize: reference.sampleSize,
            referenceProviders: reference.providers, spreadPct: (spread * 100).rounded() / 100,
            savingsPerHour: USDC(micro: perGPUHour), savingsPerMonth: USDC(micro: perGPUHour * 730))
    }
}

/// What arbitrage compares: price per GPU-hour, or price per performance point.
public enum ArbitrageBasis: String, Sendable, Hashable, Codable, CaseIterable {
    case perGPUHour = "price"
    case perPerformance = "price_per_perf"

    /// Offers with no performance score never reach the `price_per_perf` buckets (the
    /// index leaves them out of that order); `.max` only keeps the key total.
    func key(_ offer: Offer) -> Int64 {
        switch self {
        case .perGPUHour: offer.pricePerGPUHour.micro
        case .perPerformance: offer.pricePerPerf?.micro ?? .max
        }
    }

    /// The search sort with the same key, so the index's sorted order can be reused.
    var sort: OfferSort {
        switch self {
        case .perGPUHour: .price
        case .perPerformance: .pricePerPerf
        }
    }
}

/// One model's cheapest offer against the robust reference of the other providers.
public struct ArbitrageOpportunity: Sendable, Hashable {
    public var gpuModel: GPUModel
    public var basis: ArbitrageBasis
    public var cheapest: Offer
    /// The other providers' offer priced closest to the reference median.
    public var reference: Offer
    /// The reference median (per GPU-hour, or per performance point for that basis).
    public var referencePrice: USDC
    /// How many offers the median was taken over (after outliers were removed).
    public var referenceSampleSize: Int
    public var referenceProviders: [ProviderID]
    /// `(reference − cheapest) / reference × 100`, two decimals.
    public var spreadPct: Double
    /// Per GPU-hour.
    public var savingsPerHour: USDC
    /// Per GPU, 730 hours.
    public var savingsPerMonth: USDC
    /// Freshness of both sides.
    public var cheapestSyncedAt: Date { cheapest.lastSynced }
    public var referenceSyncedAt: Date { reference.lastSynced }
}

/// The cheapest offer of a model, with its arbitrage gap if other providers list it.
public struct BestDeal: Sendable, Hashable {
    public var gpuModel: GPUModel
    public var offer: Offer
    public var opportunity: ArbitrageOpportunity?
}

/// Savings of the best opportunity for a usage pattern.
public struct SavingsEstimate: Sendable, Hashable {
    public var gpuModel: GPUModel
    public var hoursPerDay: Double
    public var opportunity: ArbitrageOpportunity
    public var savingsPerDay: USDC
    /// hours per day × 365 / 12 days.
    public var savingsPerMonth: USDC
}

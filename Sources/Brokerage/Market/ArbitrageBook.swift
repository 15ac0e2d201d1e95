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
public struct ArbitrageBook: Sendable {
    /// Providers whose estimate prices stay out of arbitrage (Render quotes are sheets).
    public static let defaultEstimateExclusions: Set<ProviderID> = [.render]

    /// Per basis, per model: the precomputed provider sides.
    private let sides: [ArbitrageBasis: [GPUModel: [ProviderSide]]]

    struct ProviderSide: Sendable {
        var provider: ProviderID
        /// Eligible offers of this provider, cheapest first, low outliers removed.
        var candidates: [Offer]
        var reference: Reference?
    }

    struct Reference: Sendable {
        var price: Int64
        var offer: Offer
        var sampleSize: Int
        var providers: [ProviderID]
    }

    public init(offers: [Offer], estimateExclusions: Set<ProviderID> = defaultEstimateExclusions) {
        var byModel: [GPUModel: [Offer]] = [:]
        for offer in offers
        where offer.available && offer.pricePerGPUHour > .zero
            && !(offer.priceKind == .estimate && estimateExclusions.contains(offer.provider)) {
            byModel[offer.model, default: []].append(offer)
        }
        var sides: [ArbitrageBasis: [GPUModel: [ProviderSide]]] = [:]
        for basis in ArbitrageBasis.allCases {
            var perModel: [GPUModel: [ProviderSide]] = [:]
            for (model, group) in byModel {
                perModel[model] = Self.sides(of: group, basis: basis)
            }
            sides[basis] = perModel
        }
        self.sides = sides
    }

    private static func sides(of group: [Offer], basis: ArbitrageBasis) -> [ProviderSide] {
        let sorted = group.sorted { basis.key($0) != basis.key($1) ? basis.key($0) < basis.key($1) : $0.id < $1.id }
        var byProvider: [ProviderID: [Offer]] = [:]
        for offer in sorted { byProvider[offer.provider, default: []].append(offer) }
        guard byProvider.count >= 2 else {
            return byProvider.map { ProviderSide(provider: $0.key, candidates: $0.value, reference: nil) }
        }
        let modelMedian = RobustStatistics.median(sorted: sorted.map(basis.key)) ?? 0
        return byProvider.keys.sorted().map { provider in
            let own = byProvider[provider] ?? []
            let ownKeys = own.map(basis.key)
            let lowFloor = RobustStatistics.inlierBand(sorted: ownKeys)?.lowerBound ?? Int64.min
            let candidates = own.filter { basis.key($0) >= lowFloor }
            let others = sorted.filter { $0.provider != provider }
            let otherKeys = others.map(basis.key)
            let kept: [Offer]
            if let band = RobustStatistics.inlierBand(sorted: otherKeys) {
                kept = others.filter { band.contains(basis.key($0)) }
            } else if otherKeys.count < 3 {
                kept = others.filter { basis.key($0) <= modelMedian * 3 }
            } else {
                kept = others
            }
            var reference: Reference?
            if let median = RobustStatistics.median(sorted: kept.map(basis.key)),
               let nearest = kept.min(by: { abs(basis.key($0) - median) < abs(basis.key($1) - median) }) {
                reference = Reference(price: median, offer: nearest, sampleSize: kept.count, providers: Array(Set(kept.map(\.provider))).sorted())
            }
            return ProviderSide(provider: provider, candidates: candidates, reference: reference)
        }
    }

    /// The best opportunity per model (largest spread), largest first.
    public func opportunities(
        minSpreadPct: Double = 0, model: GPUModel? = nil, minReliability: Double? = nil, basis: ArbitrageBasis = .perGPUHour
    ) -> [ArbitrageOpportunity] {
        let models = model.map { [$0] } ?? Array((sides[basis] ?? [:]).keys)
        return models.compactMap { best(for: $0, minReliability: minReliability, basis: basis) }
            .filter { $0.spreadPct >= minSpreadPct }
            .sorted { $0.spreadPct != $1.spreadPct ? $0.spreadPct > $1.spreadPct : $0.gpuModel < $1.gpuModel }
    }

    /// The largest cross-provider gap for one model, if any provider undercuts the others.
    public func best(for model: GPUModel, minReliability: Double? = nil, basis: ArbitrageBasis = .perGPUHour) -> ArbitrageOpportunity? {
        (sides[basis]?[model] ?? []).compactMap { opportunity(side: $0, model: model, minReliability: minReliability, basis: basis) }
            .max { $0.spreadPct != $1.spreadPct ? $0.spreadPct < $1.spreadPct : $0.cheapest.id > $1.cheapest.id }
    }

    /// The cheapest eligible offer of a model across providers, with its gap to the other
    /// providers' reference when there is one (`GET /arbitrage/best-deal/{model}`).
    public func bestDeal(for model: GPUModel, minReliability: Double? = nil, basis: ArbitrageBasis = .perGPUHour) -> BestDeal? {
        let sides = sides[basis]?[model] ?? []
        var bestOffer: (Offer, ProviderSide)?
        for side in sides {
            guard let offer = side.candidates.first(where: { $0.reliability >= (minReliability ?? 0) }) else { continue }
            if bestOffer.map({ basis.key(offer) < basis.key($0.0) }) ?? true { bestOffer = (offer, side) }
        }
        guard let chosen = bestOffer else { return nil }
        let (offer, side) = chosen
        return BestDeal(gpuModel: model, offer: offer, opportunity: opportunity(side: side, model: model, minReliability: minReliability, basis: basis))
    }

    /// What renting the best opportunity saves at `hoursPerDay` (`GET /arbitrage/savings/{model}`).
    public func savings(for model: GPUModel, hoursPerDay: Double, minReliability: Double? = nil) -> SavingsEstimate? {
        guard let o = best(for: model, minReliability: minReliability), hoursPerDay.isFinite, hoursPerDay > 0, hoursPerDay <= 24 else { return nil }
        let perDay = USDC(micro: Int64((Double(o.savingsPerHour.micro) * hoursPerDay).rounded()))
        let perMonth = USDC(micro: Int64((Double(o.savingsPerHour.micro) * hoursPerDay * 365 / 12).rounded()))
        return SavingsEstimate(gpuModel: model, hoursPerDay: hoursPerDay, opportunity: o, savingsPerDay: perDay, savingsPerMonth: perMonth)
    }

    private func opportunity(side: ProviderSide, model: GPUModel, minReliability: Double?, basis: ArbitrageBasis) -> ArbitrageOpportunity? {
        guard let reference = side.reference,
              let cheapest = side.candidates.first(where: { $0.reliability >= (minReliability ?? 0) })
        else { return nil }
        let cheapKey = basis.key(cheapest)
        guard reference.price > 0, cheapKey < reference.price else { return nil }
        let gap = reference.price - cheapKey
        let spread = Double(gap) / Double(reference.price) * 100
        let perGPUHour: Int64
        switch basis {
        case .perGPUHour: perGPUHour = gap
        case .perPerformance: perGPUHour = Int64((Double(gap) * cheapest.perfScore / Double(cheapest.gpuCount)).rounded())
        }
        return ArbitrageOpportunity(
            gpuModel: model, basis: basis, cheapest: cheapest, reference: reference.offer,
            referencePrice: USDC(micro: reference.price), referenceSampleSize: reference.sampleSize,
            referenceProviders: reference.providers, spreadPct: (spread * 100).rounded() / 100,
            savingsPerHour: USDC(micro: perGPUHour), savingsPerMonth: USDC(micro: perGPUHour * 730))
    }
}

/// What arbitrage compares: price per GPU-hour, or price per performance point.
public enum ArbitrageBasis: String, Sendable, Hashable, Codable, CaseIterable {
    case perGPUHour = "price"
    case perPerformance = "price_per_perf"

    func key(_ offer: Offer) -> Int64 {
        switch self {
        case .perGPUHour: offer.pricePerGPUHour.micro
        case .perPerformance: offer.pricePerPerf.micro
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

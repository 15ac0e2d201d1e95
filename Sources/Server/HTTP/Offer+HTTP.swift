import Brokerage
import Ethereum
import Foundation
import Hummingbird
import Timekeeping

/// The contract's JSON view of an offer: snake_case, money as decimal strings, times in
/// RFC 3339 UTC. Every offer says where it came from (`source: live|sample`) and when
/// it was last synced, so a renter never mistakes the bundled sample for a live quote.
/// `perf_score` is the whole offer's throughput (RTX 4090 = 100), `perf_score_per_gpu`
/// one GPU's; both are null for a GPU outside the catalogue its provider does not measure
/// (``PerformanceScore``), and then `price_per_perf` is null too.
struct OfferView: Codable {
    let id: String
    let provider: String
    let external_id: String
    let model: String
    let model_name: String
    let provider_model_name: String
    let gpu_count: Int
    let vram_gb: Int
    let price_per_hour: USDC
    let price_per_gpu_hour: USDC
    let price_per_perf: Nullable<USDC>
    let price_kind: String
    let location: String
    let country: String?
    let available: Bool
    let available_units: Int?
    let reliability: Double
    let perf_score: Nullable<Double>
    let perf_score_per_gpu: Nullable<Double>
    let g_score: Double
    let last_synced: String
    let source: String
    let stale: Bool
    /// Whether `POST /api/v1/reservations` takes it; when not, `book_url` is the
    /// provider's own console (see ``BookingChannel``).
    let bookable: Bool
    let book_url: String?

    init(_ o: Offer, booking: BookingChannel) {
        id = o.id
        provider = o.provider.rawValue
        external_id = o.externalID
        model = o.model.id
        model_name = o.model.name
        provider_model_name = o.providerModelName
        gpu_count = o.gpuCount
        vram_gb = o.vramGB
        price_per_hour = o.pricePerHour
        price_per_gpu_hour = o.pricePerGPUHour
        price_per_perf = Nullable(o.pricePerPerf)
        price_kind = o.priceKind.rawValue
        location = o.location.region
        country = o.location.country
        available = o.available
        available_units = o.availableUnits
        reliability = o.reliability
        perf_score = Nullable(o.perfScore)
        perf_score_per_gpu = Nullable(o.perfScorePerGPU)
        g_score = o.gScore
        last_synced = RFC3339.format(o.lastSynced)
        source = o.source.rawValue
        stale = o.stale
        switch booking.verdict(for: o) {
        case .bookable:
            (bookable, book_url) = (true, nil)
        case .elsewhere(let url):
            (bookable, book_url) = (false, url)
        case .sampleOnly:
            (bookable, book_url) = (false, nil)
        }
    }
}

/// One arbitrage gap; `spread_pct_formula` travels with every answer so clients need
/// not guess how the percentage was computed.
struct OpportunityView: Codable {
    static let formula =
        "(reference_price - cheapest_price) / reference_price * 100; reference_price is the outlier-filtered median of the other providers' prices for the model"

    let gpu_model: String
    let basis: String
    let cheapest: OfferView
    let reference: OfferView
    let reference_price: USDC
    let reference_sample_size: Int
    let reference_providers: [String]
    let spread_pct: Double
    var spread_pct_formula = OpportunityView.formula
    let savings_per_hour: USDC
    let savings_per_month: USDC

    init(_ o: ArbitrageOpportunity, booking: BookingChannel) {
        gpu_model = o.gpuModel.id
        basis = o.basis.rawValue
        cheapest = OfferView(o.cheapest, booking: booking)
        reference = OfferView(o.reference, booking: booking)
        reference_price = o.referencePrice
        reference_sample_size = o.referenceSampleSize
        reference_providers = o.referenceProviders.map(\.rawValue)
        spread_pct = o.spreadPct
        savings_per_hour = o.savingsPerHour
        savings_per_month = o.savingsPerMonth
    }
}

struct ModelSummaryView: Codable {
    let id: String
    let name: String
    let vram_gb: Int
    let offers: Int
    let available_offers: Int
    let providers: [String]
    let cheapest_price_per_gpu_hour: USDC?

    init(_ s: ModelSummary) {
        id = s.model.id
        name = s.model.name
        vram_gb = s.model.vramGB
        offers = s.offers
        available_offers = s.availableOffers
        providers = s.providers.sorted().map(\.rawValue)
        cheapest_price_per_gpu_hour = s.cheapestPricePerGPUHour
    }
}

struct ProviderSummaryView: Codable {
    let name: String
    let display_name: String
    let offers: Int
    let available_offers: Int
    let source: String?
    let last_synced: String?

    init(_ s: ProviderSummary) {
        name = s.provider.rawValue
        display_name = s.provider.displayName
        offers = s.offers
        available_offers = s.availableOffers
        source = s.source?.rawValue
        last_synced = s.lastSynced.map(RFC3339.format)
    }
}

struct PricePointView: Codable {
    let t: String
    let provider: String?
    let min: USDC
    let p10: USDC
    let median: USDC
    let p90: USDC
    let max: USDC
    let offers: Int

    init(_ p: PriceHistoryPoint) {
        t = RFC3339.format(p.t)
        provider = p.provider?.rawValue
        min = p.min
        p10 = p.p10
        median = p.median
        p90 = p.p90
        max = p.max
        offers = p.offers
    }
}

extension Request {
    /// Every query parameter as a plain dictionary, for the market's own validating parsers.
    var marketParameters: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in uri.queryParameters { out[String(k)] = String(v) }
        return out
    }
}

import Ethereum
import Foundation

/// One rentable GPU offer from one provider, normalised to GP4U's shape.
///
/// Money is exact (``USDC`` micro-units; provider USD prices are taken 1:1 as USDC);
/// ratios such as reliability and scores are plain `Double`s because they rank, never pay.
public struct Offer: Sendable, Hashable, Codable, Identifiable {
    /// Stable id the API addresses: `"<provider>-<external id>"`, e.g. `vastai-12345`.
    public var id: String
    public var provider: ProviderID
    /// The provider's own id for the offer (Vast's ask id, Akash's model key...).
    public var externalID: String
    /// Canonical model; arbitrage groups by it.
    public var model: GPUModel
    /// The provider's spelling, kept for display and debugging of the alias table.
    public var providerModelName: String
    public var gpuCount: Int
    /// Memory per GPU in whole GB.
    public var vramGB: Int
    /// Price per hour of the whole offer (all its GPUs).
    public var pricePerHour: USDC
    /// Price per GPU-hour: the figure comparisons use.
    public var pricePerGPUHour: USDC
    public var location: OfferLocation
    /// Whether the offer can be rented now.
    public var available: Bool
    /// How many units the provider reports free (Akash/io.net aggregates), if known.
    public var availableUnits: Int?
    /// 0...1; providers without per-offer figures get a documented default.
    public var reliability: Double
    /// Throughput of the whole offer on GP4U's scale (one RTX 4090 = 100; see
    /// ``PerformanceScore``); nil for a GPU outside the catalogue that its provider does
    /// not measure.
    public var perfScore: Double?
    /// `perfScore` of one of its GPUs (see ``PerformanceScore``).
    public var perfScorePerGPU: Double? { perfScore.map { $0 / Double(max(1, gpuCount)) } }
    /// Price per hour for 1 unit of `perfScore`: lower is better value; nil without a score.
    public var pricePerPerf: USDC?
    /// 0...1 ranking score (see ``GScore``).
    public var gScore: Double
    /// When GP4U last fetched this offer from its provider (or when the snapshot was captured).
    public var lastSynced: Date
    public var priceKind: PriceKind
    public var source: OfferOrigin
    /// True when the provider was unreachable and this is cached data past its TTL.
    public var stale: Bool

    /// Builds an offer and derives the per-GPU price, price per performance and G-Score, so
    /// adapters cannot forget to fill them consistently.
    public init(
        provider: ProviderID, externalID: String, model: GPUModel, providerModelName: String,
        gpuCount: Int, vramGB: Int, pricePerHour: USDC, location: OfferLocation,
        available: Bool, availableUnits: Int? = nil, reliability: Double,
        perfScore: Double? = nil, lastSynced: Date, priceKind: PriceKind,
        source: OfferOrigin = .live, stale: Bool = false
    ) {
        let count = max(1, gpuCount)
        self.id = "\(provider.rawValue)-\(externalID)"
        self.provider = provider
        self.externalID = externalID
        self.model = model
        self.providerModelName = providerModelName
        self.gpuCount = count
        self.vramGB = vramGB
        self.pricePerHour = pricePerHour
        self.pricePerGPUHour = pricePerHour.dividedRoundingToNearest(by: Int64(count))
        self.location = location
        self.available = available
        self.availableUnits = availableUnits
        self.reliability = min(1, max(0, reliability.isFinite ? reliability : 0))
        let perf = perfScore ?? PerformanceScore.baseline(model: model, gpuCount: count)
        self.perfScore = perf
        self.pricePerPerf = perf.map { pricePerHour.perUnit($0) }
        self.gScore = GScore.score(
            provider: provider, perfScore: perf, reliability: self.reliability, pricePerHour: pricePerHour)
        self.lastSynced = lastSynced
        self.priceKind = priceKind
        self.source = source
        self.stale = stale
    }
}

/// Whether a price is what the renter will pay or an indication.
public enum PriceKind: String, Sendable, Hashable, Codable {
    /// A listed or quoted price (Vast asks, io.net quotes, a Render sheet marked firm).
    case firm
    /// Derived from market data (Akash bid statistics, Render OBh sheets).
    case estimate
}

/// Where an offer came from: the provider now, or the bundled sample (generated at
/// typical price levels, never a capture of a real market; bookable only in simulated
/// mode).
public enum OfferOrigin: String, Sendable, Hashable, Codable {
    case live
    case sample

    /// Reads `snapshot`, the name stored before the sample was called what it is.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = text == Self.live.rawValue ? .live : .sample
    }
}

/// Region text as the provider gives it plus an ISO 3166-1 alpha-2 country when known.
public struct OfferLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// "Nevada, US", "Global".
    public var region: String
    /// "US", or nil when the provider does not say.
    public var country: String?

    public init(region: String, country: String?) {
        self.region = region
        self.country = country
    }

    /// Parses Vast-style "Region, CC" (e.g. "South Korea, KR", ", US").
    public init(geolocation text: String?) {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            self.init(region: "Unknown", country: nil)
            return
        }
        let parts = trimmed.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if parts.count >= 2, let last = parts.last, last.count == 2, last.allSatisfy(\.isLetter) {
            let region = parts.dropLast().joined(separator: ", ")
            self.init(region: region.isEmpty ? last.uppercased() : region, country: last.uppercased())
        } else {
            self.init(region: trimmed, country: nil)
        }
    }

    public var description: String { region }

    /// Case-insensitive match on the country code or a substring of the region.
    public func matches(_ query: String) -> Bool {
        if let country, country.caseInsensitiveCompare(query) == .orderedSame { return true }
        return region.range(of: query, options: .caseInsensitive) != nil
    }
}

extension Offer {
    /// Scales the reliability that goes into the G-Score by the provider's delivery record
    /// (``ProviderDelivery``); the offer's own `reliability` stays the provider's figure.
    public mutating func weighDelivery(_ factor: Double) {
        gScore = GScore.score(
            provider: provider, perfScore: perfScore, reliability: reliability * factor, pricePerHour: pricePerHour)
    }
}

import Ethereum
import Foundation

/// The bundled offline market: offers generated in code from a fixed seed, so search and
/// arbitrage work on a fresh checkout with no network and every run sees the same data.
///
/// Prices are typical per-GPU-hour levels per model and provider as observed in late 2026
/// (``MarketSnapshot/priceLevels``), spread ±25 % log-normally around them; offers are
/// labelled `source: snapshot`, stamped with ``captureDate``, and replaced per provider
/// as soon as that provider answers live.
public enum MarketSnapshot {
    /// When the price levels were captured.
    public static let captureDate = Date(timeIntervalSince1970: 1_795_651_200)  // 2026-11-26T00:00:00Z
    public static let seed: UInt64 = 0x6770_3475  // "gp4u"

    /// Typical USD per GPU-hour by provider and model id.
    public static let priceLevels: [ProviderID: [(model: String, price: Double, weight: Int)]] = [
        .vastai: [
            ("rtx-4090", 0.40, 40), ("rtx-3090", 0.22, 25), ("rtx-5090", 0.65, 15), ("rtx-4080-super", 0.25, 8),
            ("rtx-3060", 0.08, 6), ("rtx-a6000", 0.45, 8), ("rtx-6000-ada", 0.80, 6), ("l40s", 0.85, 6),
            ("a100-sxm", 1.10, 8), ("a100-pcie", 0.95, 6), ("h100-sxm", 2.00, 10), ("h100-pcie", 1.80, 5),
            ("h200-sxm", 2.80, 4), ("a40", 0.40, 4), ("rtx-a5000", 0.22, 4),
        ],
        .ionet: [
            ("h100-sxm", 1.99, 6), ("h100-pcie", 1.75, 4), ("a100-sxm", 1.19, 4), ("rtx-4090", 0.45, 6),
            ("l40s", 0.90, 3), ("rtx-3090", 0.25, 3), ("rtx-a6000", 0.50, 2),
        ],
        .akash: [
            ("h100-sxm", 1.60, 1), ("h200-sxm", 2.50, 1), ("a100-sxm", 0.95, 1), ("a100-pcie", 0.85, 1),
            ("rtx-4090", 0.35, 1), ("rtx-3090", 0.18, 1), ("rtx-a6000", 0.40, 1), ("l40s", 0.80, 1),
        ],
        .render: [
            ("rtx-4090", 0.55, 1), ("rtx-3090", 0.30, 1), ("rtx-5090", 0.80, 1), ("rtx-4080", 0.40, 1),
            ("a100-pcie", 1.30, 1), ("rtx-a6000", 0.60, 1),
        ],
    ]

    static let locations: [(region: String, country: String)] = [
        ("California", "US"), ("Texas", "US"), ("Virginia", "US"), ("Ontario", "CA"), ("Quebec", "CA"),
        ("Germany", "DE"), ("Netherlands", "NL"), ("Sweden", "SE"), ("Norway", "NO"), ("Finland", "FI"),
        ("United Kingdom", "GB"), ("France", "FR"), ("Poland", "PL"), ("Japan", "JP"), ("South Korea", "KR"),
        ("Singapore", "SG"), ("Australia", "AU"), ("Iceland", "IS"),
    ]

    /// The bundled snapshot: about 300 offers (Vast 220, io.net 48, Akash 8, Render 6).
    public static func offers() -> [Offer] {
        var rng = SplitMix64(seed: seed)
        var result: [Offer] = []
        result += generate(provider: .vastai, count: 220, rng: &rng, capturedAt: captureDate, source: .sample)
        result += generate(provider: .ionet, count: 48, rng: &rng, capturedAt: captureDate, source: .sample)
        result += generate(provider: .akash, count: 8, rng: &rng, capturedAt: captureDate, source: .sample)
        result += generate(provider: .render, count: 6, rng: &rng, capturedAt: captureDate, source: .sample)
        return result
    }

    /// Synthetic live-like offers for benchmarks and load tests, spread over providers like
    /// the real market (Vast-heavy); `uncatalogued` of them (0...1) are GPUs outside the
    /// catalogue (``uncataloguedNames``, derived ids), half measured by their provider and
    /// half with no performance score.
    public static func synthetic(
        count: Int, seed: UInt64 = 42, at time: Date = captureDate, uncatalogued: Double = 0
    ) -> [Offer] {
        let offers = cataloguedSynthetic(count: count, seed: seed, at: time)
        guard uncatalogued > 0 else { return offers }
        var rng = SplitMix64(seed: seed ^ 0x5eed)
        let models = uncataloguedNames.compactMap(GPUModel.derived(name:))
        return offers.map { offer in
            guard rng.nextUnit() < uncatalogued else { return offer }
            let model = models[Int(rng.next() % UInt64(models.count))]
            let measured = rng.nextUnit() < 0.5 ? nil : 20 + 200 * rng.nextUnit() * Double(offer.gpuCount)
            return Offer(
                provider: offer.provider, externalID: offer.externalID, model: model, providerModelName: model.name,
                gpuCount: offer.gpuCount, vramGB: offer.vramGB, pricePerHour: offer.pricePerHour,
                location: offer.location, available: offer.available, availableUnits: offer.availableUnits,
                reliability: offer.reliability, perfScore: measured, lastSynced: offer.lastSynced,
                priceKind: offer.priceKind, source: offer.source)
        }
    }

    /// Made-up GPU names no catalogue knows, for ``synthetic(count:seed:at:uncatalogued:)``.
    public static let uncataloguedNames: [String] = (0..<40).map { i in
        ["RTX 9\(i)90 Z", "Radeon XR \(i)00", "Tesla Q\(i)", "Instinct MX\(i)00"][i % 4]
    }

    static func cataloguedSynthetic(count: Int, seed: UInt64, at time: Date) -> [Offer] {
        var rng = SplitMix64(seed: seed)
        let shares: [(ProviderID, Double)] = [(.vastai, 0.7), (.ionet, 0.2), (.akash, 0.05), (.render, 0.05)]
        var result: [Offer] = []
        result.reserveCapacity(count)
        for (i, (provider, share)) in shares.enumerated() {
            let n = i == shares.count - 1 ? count - result.count : Int(Double(count) * share)
            result += generate(
                provider: provider, count: n, rng: &rng, capturedAt: time, source: .live, idPrefix: "syn")
        }
        return result
    }

    static func generate(
        provider: ProviderID, count: Int, rng: inout SplitMix64, capturedAt: Date, source: OfferOrigin,
        idPrefix: String = "snap"
    ) -> [Offer] {
        let levels = priceLevels[provider] ?? []
        let totalWeight = levels.reduce(0) { $0 + $1.weight }
        guard totalWeight > 0 else { return [] }
        var offers: [Offer] = []
        offers.reserveCapacity(count)
        for i in 0..<count {
            // Akash and Render list one row per model: walk the table in order.
            var pick = provider == .akash || provider == .render ? i % levels.count : -1
            if pick < 0 {
                var r = Int(rng.next() % UInt64(totalWeight))
                pick = 0
                while r >= levels[pick].weight {
                    r -= levels[pick].weight
                    pick += 1
                }
            }
            let level = levels[pick]
            guard let model = GPUModel.lookup(level.model) else { continue }
            let gpuCount: Int
            switch provider {
            case .vastai: gpuCount = [1, 1, 1, 1, 2, 2, 4, 8][Int(rng.next() % 8)]
            case .ionet: gpuCount = [1, 2, 4, 8][Int(rng.next() % 4)]
            case .akash, .render, .gp4u: gpuCount = 1
            }
            // Log-normal-ish spread: the sum of three uniforms approximates a normal.
            let z = (rng.nextUnit() + rng.nextUnit() + rng.nextUnit() - 1.5) * 2
            let perGPU = (level.price * exp(0.25 * z) * 10_000).rounded() / 10_000
            let price = USDC(micro: Int64((perGPU * Double(gpuCount) * 1_000_000).rounded()))
            let place: OfferLocation
            if provider == .akash || provider == .render {
                place = OfferLocation(region: "Global", country: nil)
            } else {
                let l = locations[Int(rng.next() % UInt64(locations.count))]
                place = OfferLocation(region: l.region, country: l.country)
            }
            let reliability: Double
            switch provider {
            case .vastai: reliability = 0.90 + 0.099 * rng.nextUnit()
            case .ionet: reliability = 0.93 + 0.06 * rng.nextUnit()
            case .akash: reliability = 0.95
            case .render, .gp4u: reliability = 0.90
            }
            let measured =
                provider == .vastai
                ? PerformanceScore.baseline(model: model, gpuCount: gpuCount).map { $0 * (0.8 + 0.3 * rng.nextUnit()) }
                : nil
            offers.append(
                Offer(
                    provider: provider, externalID: "\(idPrefix)-\(i + 1)", model: model, providerModelName: model.name,
                    gpuCount: gpuCount, vramGB: model.vramGB, pricePerHour: price,
                    location: place,
                    available: rng.nextUnit() < 0.9,
                    availableUnits: provider == .akash ? Int(rng.next() % 40) + 1 : nil,
                    reliability: (reliability * 10_000).rounded() / 10_000,
                    perfScore: PerformanceScore.score(model: model, gpuCount: gpuCount, measured: measured),
                    lastSynced: capturedAt, priceKind: provider == .akash || provider == .render ? .estimate : .firm,
                    source: source))
        }
        return offers
    }
}

import Brokerage
import Ethereum
import Foundation
import Timekeeping

/// The operator-maintained Render Network price sheet (Render has no public per-GPU price
/// API). Loaded from `GP4U_RENDER_PRICE_SHEET` (a file path or an http(s) URL).
///
/// Format (JSON; unknown fields ignored; decimals as strings so they stay exact):
///
/// ```json
/// {
///   "version": 1,
///   "updated_at": "2026-11-20T00:00:00Z",
///   "usd_per_obh": {"1": "0.004", "2": "0.010", "3": "0.040"},
///   "firm": false,
///   "entries": [
///     {"id": "rtx4090-t2", "gpu_model": "RTX 4090", "gpu_count": 1, "vram_gb": 24,
///      "obh_per_hour": "12.5", "tier": 2, "available": 40,
///      "location": "Global", "reliability": 0.9, "firm": false}
///   ]
/// }
/// ```
///
/// - `usd_per_obh`: USD per OctaneBench-hour for each tier (Render prices work in OBh; the
///   tiers' multipliers are baked into these rates).
/// - `obh_per_hour`: OBh one GPU of this entry delivers per hour (its OctaneBench score
///   divided by 100).
/// - Price per GPU-hour = `obh_per_hour × usd_per_obh[tier]`, exact to 6 decimals;
///   price per hour = that × `gpu_count`.
/// - Prices are estimates unless `firm` is true on the entry or the sheet; estimates are
///   kept out of arbitrage. `reliability` defaults to 0.9, `available` to "yes, count unknown",
///   `location` to "Global", `tier` to 1, `gpu_count` to 1.
public struct RenderPriceSheet: Sendable, Decodable {
    public var version: Int?
    public var updatedAt: String?
    public var usdPerOBh: [String: String]
    public var firm: Bool?
    var entries: [Lossy<Entry>]

    enum CodingKeys: String, CodingKey {
        case version, firm, entries
        case updatedAt = "updated_at"
        case usdPerOBh = "usd_per_obh"
    }

    struct Entry: Decodable, Sendable {
        let id: String
        let gpu_model: String
        let gpu_count: Int?
        let vram_gb: Int?
        let obh_per_hour: String
        let tier: Int?
        let available: Int?
        let location: String?
        let reliability: Double?
        let firm: Bool?
    }

    /// Parses a sheet and converts its entries to offers stamped `time`.
    public static func parse(_ data: Data, at time: Date) throws(ProviderCallError) -> OfferParseReport {
        let sheet: RenderPriceSheet
        do { sheet = try JSONDecoder().decode(RenderPriceSheet.self, from: data) } catch {
            throw .malformed("Render price sheet is not the documented JSON (usd_per_obh, entries)")
        }
        var rates: [Int: USDC] = [:]
        for (tier, text) in sheet.usdPerOBh {
            if let t = Int(tier), let rate = try? USDC(parsing: text) { rates[t] = rate }
        }
        var report = OfferParseReport()
        for element in sheet.entries {
            guard let e = element.value, let count = Optional(e.gpu_count ?? 1), count >= 1 else {
                report.skip("malformed")
                continue
            }
            guard let model = GPUModel.resolve(name: e.gpu_model) else {
                report.skip("malformed")
                continue
            }
            guard let obh = try? USDC(parsing: e.obh_per_hour), let rate = rates[e.tier ?? 1],
                let perGPU = obh.scaled(by: rate), perGPU > .zero,
                let perHour = try? perGPU.multiplied(by: Int64(count))
            else {
                report.skip("no_price")
                continue
            }
            let isFirm = e.firm ?? sheet.firm ?? false
            report.offers.append(
                Offer(
                    provider: .render, externalID: e.id, model: model, providerModelName: e.gpu_model, gpuCount: count,
                    vramGB: e.vram_gb ?? model.vramGB, pricePerHour: perHour,
                    location: OfferLocation(region: e.location ?? "Global", country: nil),
                    available: (e.available ?? 1) > 0, availableUnits: e.available, reliability: e.reliability ?? 0.9,
                    lastSynced: time, priceKind: isFirm ? .firm : .estimate))
        }
        return report
    }
}

/// Render Network: reads the operator's price sheet (``RenderPriceSheet``) from a file or URL.
public struct RenderAdapter: OfferSource {
    public let provider = ProviderID.render
    public let location: PriceSheetLocation
    public let http: ProviderHTTP
    let clock: any TimeSource

    public init(location: PriceSheetLocation, http: ProviderHTTP, clock: any TimeSource = SystemTimeSource()) {
        self.location = location
        self.http = http
        self.clock = clock
    }

    public func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        try await fetchBatch(pacer: pacer).offers
    }

    public func fetchBatch(pacer: RequestPacer) async throws -> OfferBatch {
        let data: Data
        switch location {
        case .url(let url):
            data = try await http.send(.GET, url, pacer: pacer)
        case .file(let path):
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw ProviderCallError.notConfigured(
                    "Render price sheet file cannot be read; check GP4U_RENDER_PRICE_SHEET")
            }
        }
        let report = try RenderPriceSheet.parse(data, at: clock.now)
        report.publish(provider: provider)
        return report.batch(queries: 1)
    }
}

import Brokerage
import Ethereum
import Foundation

/// Builders shared by the market test suites.
enum MarketFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func model(_ id: String) -> GPUModel {
        guard let m = GPUModel.lookup(id) ?? GPUModel.derived(id: id) else {
            fatalError("test uses unknown model \(id)")
        }
        return m
    }

    static func price(_ text: String) -> USDC {
        do { return try USDC(parsing: text) } catch { fatalError("bad test price \(text)") }
    }

    static func offer(
        _ provider: ProviderID, _ id: String, model: String = "rtx-4090", price: String, gpus: Int = 1,
        reliability: Double = 0.98, available: Bool = true, kind: PriceKind = .firm,
        location: OfferLocation = OfferLocation(region: "Texas", country: "US"),
        vram: Int? = nil, source: OfferOrigin = .live, at: Date = t0
    ) -> Offer {
        let m = self.model(model)
        return Offer(
            provider: provider, externalID: id, model: m, providerModelName: m.name, gpuCount: gpus,
            vramGB: vram ?? m.vramGB,
            pricePerHour: self.price(price), location: location, available: available, reliability: reliability,
            lastSynced: at, priceKind: kind, source: source)
    }
}

import Brokerage
import Ethereum
import Foundation
import Providers
import Testing

@Suite("Provider response parsing")
struct ProviderParsingTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func realVastSampleParsesCompletely() throws {
        let report = try VastAdapter.parse(try ProviderFixtures.vastSample(), at: t0)
        #expect(report.offers.count == 40)
        #expect(report.skippedCount == 0)
        let first = try #require(report.offers.first { $0.id == "vastai-13023333" })
        #expect(first.model.id == "rtx-4090")
        #expect(first.pricePerHour == USDC(micro: 566_389))
        #expect(first.pricePerGPUHour == first.pricePerHour)
        #expect(first.vramGB == 22)
        #expect(first.location == OfferLocation(region: "Nevada", country: "US"))
        #expect(abs(first.reliability - 0.9732861) < 1e-9)
        #expect(abs(first.perfScore - 102.18602749055441) < 1e-9)
        #expect(first.priceKind == .firm && first.source == .live && first.lastSynced == t0)
        let twelve = try #require(report.offers.first { $0.gpuCount == 12 })
        #expect(twelve.pricePerGPUHour == twelve.pricePerHour.dividedRoundingToNearest(by: 12))
        #expect(Set(report.offers.map(\.model.id)).isSuperset(of: ["h100-sxm", "a100-sxm", "rtx-6000-ada", "t4"]))
    }

    @Test func vastParsingIsTolerant() throws {
        let report = try VastAdapter.parse(Data(ProviderFixtures.vastTolerant.utf8), at: t0)
        #expect(report.offers.map(\.id) == ["vastai-1", "vastai-5"])
        #expect(report.skipped == ["malformed": 2, "unknown_model": 1, "no_price": 1])
        let h100 = report.offers[1]
        #expect(h100.available == false)  // rented
        #expect(h100.pricePerGPUHour == USDC(micro: 2_400_000))
    }

    @Test(arguments: ["[]", "{\"offers\": 3}", "<html>busy</html>", ""])
    func vastEnvelopeErrorsAreMalformed(body: String) {
        #expect(throws: ProviderCallError.self) { try VastAdapter.parse(Data(body.utf8), at: t0) }
    }

    @Test func akashPricesWithAvailability() throws {
        let report = try AkashAdapter.parse(
            prices: Data(ProviderFixtures.akashPrices.utf8), availability: Data(ProviderFixtures.akashGPU.utf8), at: t0)
        #expect(report.offers.map(\.id) == ["akash-nvidia-h100-80gi-sxm5", "akash-nvidia-rtx4090-24gi-pcie"])
        #expect(report.skipped == ["no_price": 1, "unknown_model": 1, "malformed": 1])
        let h100 = report.offers[0]
        #expect(h100.model.id == "h100-sxm" && h100.vramGB == 80)
        #expect(h100.pricePerGPUHour == USDC(micro: 1_600_000))
        #expect(h100.priceKind == .estimate)
        #expect(h100.availableUnits == 14)  // from /v1/gpu: 64 - 50
        #expect(report.offers[1].availableUnits == 3 && report.offers[1].available)
        // Without the availability call, gpu-prices' own counts are used.
        let alone = try AkashAdapter.parse(prices: Data(ProviderFixtures.akashPrices.utf8), availability: nil, at: t0)
        #expect(alone.offers[1].available == false && alone.offers[0].availableUnits == 8)
    }

    @Test func renderSheetConvertsOBhExactly() throws {
        let report = try RenderPriceSheet.parse(Data(ProviderFixtures.renderSheet.utf8), at: t0)
        #expect(report.offers.map(\.id) == ["render-rtx4090-t2", "render-a100-t3"])
        #expect(report.skipped == ["no_price": 1, "unknown_model": 1, "malformed": 1])
        let rtx = report.offers[0]
        #expect(rtx.pricePerGPUHour == USDC(micro: 125_000))  // 12.5 OBh × $0.010
        #expect(rtx.priceKind == .estimate)
        let a100 = report.offers[1]
        #expect(a100.pricePerGPUHour == USDC(micro: 400_000) && a100.pricePerHour == USDC(micro: 800_000))
        #expect(a100.priceKind == .firm)
        #expect(throws: ProviderCallError.self) { try RenderPriceSheet.parse(Data("{\"entries\": 1}".utf8), at: t0) }
    }
}

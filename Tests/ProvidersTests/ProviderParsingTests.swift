import Brokerage
import Ethereum
import Foundation
import Providers
import TestSupport
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
        #expect(abs((first.perfScore ?? 0) - 102.18602749055441) < 1e-9)
        #expect(first.priceKind == .firm && first.source == .live && first.lastSynced == t0)
        let twelve = try #require(report.offers.first { $0.gpuCount == 12 })
        #expect(twelve.pricePerGPUHour == twelve.pricePerHour.dividedRoundingToNearest(by: 12))
        #expect(Set(report.offers.map(\.model.id)).isSuperset(of: ["h100-sxm", "a100-sxm", "rtx-6000-ada", "t4"]))
    }

    @Test func vastParsingIsTolerant() throws {
        let report = try VastAdapter.parse(Data(ProviderFixtures.vastTolerant.utf8), at: t0)
        // A GPU outside the catalogue is listed under a derived id, not skipped.
        #expect(report.offers.map(\.id) == ["vastai-1", "vastai-3", "vastai-5"])
        #expect(report.skipped == ["malformed": 2, "no_price": 1])
        #expect(report.offers[1].model.id == "voodoo-2" && report.offers[1].perfScore == nil)
        let h100 = report.offers[2]
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
        #expect(report.offers.prefix(2).map(\.id) == ["akash-nvidia-h100-80gi-sxm5", "akash-nvidia-rtx4090-24gi-pcie"])
        // A bare "h100" (no interface) is not guessed: it is listed under the derived id `h-100`.
        #expect(report.offers.count == 3)
        #expect(report.offers.last?.model.id == "h-100" && report.offers.last?.model.isCatalogued == false)
        #expect(report.skipped == ["no_price": 1, "malformed": 1])
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
        #expect(report.offers.map(\.id) == ["render-rtx4090-t2", "render-a100-t3", "render-odd"])
        #expect(report.skipped == ["no_price": 1, "malformed": 1])
        let rtx = report.offers[0]
        #expect(rtx.pricePerGPUHour == USDC(micro: 125_000))  // 12.5 OBh × $0.010
        #expect(rtx.priceKind == .estimate)
        let a100 = report.offers[1]
        #expect(a100.pricePerGPUHour == USDC(micro: 400_000) && a100.pricePerHour == USDC(micro: 800_000))
        #expect(a100.priceKind == .firm)
        #expect(throws: ProviderCallError.self) { try RenderPriceSheet.parse(Data("{\"entries\": 1}".utf8), at: t0) }
    }
}

@Suite("Market coverage: every offer listed")
struct MarketCoverageTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func everyWellFormedOfferOfTheCoverageFixtureIsListed() throws {
        let report = try VastAdapter.parse(try Fixtures.vastCoverage(), at: t0)
        let expected = try Fixtures.vastCoverageExpected()
        #expect(report.skipped == ["malformed": 1])
        #expect(report.offers.count == expected.count, "100% of the well-formed offers are listed")
        let byName = Dictionary(report.offers.map { ($0.providerModelName, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, model) in expected {
            let offer = try #require(byName[name], "\(name) is listed")
            #expect(offer.model.id == model, "\(name)")
            if offer.model.isCatalogued {
                #expect(offer.perfScore != nil && offer.vramGB > 0, "\(name) has a score and memory")
            }
        }
        let unknown = try #require(byName["RTX 9090 Z"])
        #expect(!unknown.model.isCatalogued && unknown.model.name == "RTX 9090 Z")
        #expect(unknown.perfScore == 310.5, "Vast's dlperf is the score of a GPU outside the catalogue")
        #expect(unknown.vramGB == 16)
        let unmeasured = try #require(byName["Radeon Pro VX 99"])
        #expect(unmeasured.perfScore == nil && unmeasured.pricePerPerf == nil && unmeasured.clusterCandidate == nil)
        #expect(unmeasured.model.id == "pro-vx-99")
    }

    @Test func derivedIdsAreTheSameForEveryProvidersSpelling() {
        let ids = ["RTX 9090 Z", "NVIDIA GeForce RTX 9090Z 32GB", "rtx-9090-z", "RTX9090 Z"].compactMap {
            GPUModel.derived(name: $0)?.id
        }
        #expect(ids == ["rtx-9090-z", "rtx-9090-z", "rtx-9090-z", "rtx-9090-z"])
        #expect(GPUModel.derived(name: "  --  ") == nil)
        #expect(GPUModel.resolve(name: "Tesla V100")?.id == "v100")
    }
}

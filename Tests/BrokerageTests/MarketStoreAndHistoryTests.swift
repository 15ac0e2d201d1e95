import Brokerage
import Ethereum
import Foundation
import Testing

@Suite("Offer store and price history")
struct MarketStoreAndHistoryTests {
    typealias F = MarketFixtures

    @Test func replaceInsertsUpdatesAndMarksVanishedUnavailable() async throws {
        let store: any OfferStore = InMemoryOfferStore()
        let first = try await store.replaceOffers(
            from: .vastai, with: [F.offer(.vastai, "1", price: "0.40"), F.offer(.vastai, "2", price: "0.50")], at: F.t0)
        #expect(first == OfferReplacement(inserted: 2, updated: 0, markedUnavailable: 0))
        _ = try await store.replaceOffers(from: .akash, with: [F.offer(.akash, "a", price: "0.30")], at: F.t0)
        let second = try await store.replaceOffers(
            from: .vastai, with: [F.offer(.vastai, "2", price: "0.45"), F.offer(.vastai, "3", price: "0.60")], at: F.t0)
        #expect(second == OfferReplacement(inserted: 1, updated: 1, markedUnavailable: 1))
        let all = Dictionary(uniqueKeysWithValues: try await store.allOffers().map { ($0.id, $0) })
        #expect(all["vastai-1"]?.available == false)
        #expect(all["vastai-2"]?.pricePerHour == F.price("0.45"))
        #expect(all["akash-a"]?.available == true)
    }

    @Test func summarizeGivesMinMedianMaxPerModelAndProviderAndOverall() throws {
        let offers = [
            F.offer(.vastai, "1", price: "0.30"), F.offer(.vastai, "2", price: "0.50"),
            F.offer(.vastai, "3", price: "0.40"),
            F.offer(.ionet, "4", price: "0.60"), F.offer(.vastai, "5", price: "0.10", available: false),
            F.offer(.ionet, "6", model: "h100-sxm", price: "4.00", gpus: 2),
        ]
        let points = PriceHistoryPoint.summarize(offers, at: F.t0)
        let vast = try #require(points.first { $0.model.id == "rtx-4090" && $0.provider == .vastai })
        #expect(
            (vast.min, vast.median, vast.max, vast.offers) == (F.price("0.30"), F.price("0.40"), F.price("0.50"), 3))
        let overall = try #require(points.first { $0.model.id == "rtx-4090" && $0.provider == nil })
        #expect(
            (overall.min, overall.median, overall.max, overall.offers) == (
                F.price("0.30"), F.price("0.45"), F.price("0.60"), 4
            ))
        let h100 = try #require(points.first { $0.model.id == "h100-sxm" && $0.provider == nil })
        #expect(h100.median == F.price("2.00"))  // per GPU-hour
    }

    @Test func historyQueryFiltersByModelProviderAndWindow() async throws {
        let store: any OfferStore = InMemoryOfferStore()
        for hour in 0..<5 {
            let t = F.t0.addingTimeInterval(Double(hour) * 3600)
            try await store.recordPriceHistory(
                PriceHistoryPoint.summarize([F.offer(.vastai, "1", price: "0.4\(hour)")], at: t))
        }
        let since = F.t0.addingTimeInterval(2 * 3600)
        let series = try await store.priceHistory(model: F.model("rtx-4090"), provider: .vastai, since: since)
        #expect(series.map(\.median) == ["0.42", "0.43", "0.44"].map(F.price))
        #expect(try await store.priceHistory(model: F.model("rtx-4090"), provider: nil, since: since).count == 3)
        #expect(try await store.priceHistory(model: F.model("rtx-4090"), provider: .akash, since: since).isEmpty)
        let lastTwoHours = try await store.priceHistory(
            model: F.model("rtx-4090"), provider: .vastai, lastHours: 2, now: F.t0.addingTimeInterval(4 * 3600))
        #expect(lastTwoHours.count == 3)  // points at 2 h, 3 h and 4 h: the window includes its start
        await #expect(throws: MarketValidationError.self) {
            try await store.priceHistory(model: F.model("rtx-4090"), provider: nil, lastHours: 0, now: F.t0)
        }
    }

    @Test func robustStatistics() {
        #expect(RobustStatistics.median([3, 1, 2]) == 2)
        #expect(RobustStatistics.median([4, 1, 2, 3]) == 2)
        #expect(RobustStatistics.median([]) == nil)
        #expect(RobustStatistics.withoutOutliers(sorted: [10, 11, 12, 13, 1000]) == [10, 11, 12, 13])
        #expect(RobustStatistics.withoutOutliers(sorted: [5, 5, 5, 90]) == [5, 5, 5, 90])  // MAD 0: nothing judged
    }
}

@Suite("Offers, scores and the snapshot")
struct MarketOfferTests {
    typealias F = MarketFixtures

    @Test func aSyntheticMarketWithGPUsOutsideTheCatalogueIndexesThemAll() throws {
        let offers = MarketSnapshot.synthetic(count: 5_000, seed: 7, uncatalogued: 0.2)
        let outside = offers.filter { !$0.model.isCatalogued }
        #expect(abs(Double(outside.count) / 5_000 - 0.2) < 0.03)
        #expect(outside.contains { $0.perfScore == nil } && outside.contains { $0.perfScore != nil })
        let index = MarketIndex(offers: offers, builtAt: F.t0)
        #expect(index.offers.count == 5_000)
        let model = try #require(outside.first?.model)
        let query = try OfferQuery(
            parameters: ["model": model.id, "limit": "100", "available_only": "false"],
            listedModels: index.uncataloguedModels)
        let found = index.search(query).items
        #expect(!found.isEmpty && found.allSatisfy { $0.model == model })
    }

    @Test func derivedFieldsAreConsistent() throws {
        let o = F.offer(.vastai, "12345", price: "10.40", gpus: 12)
        #expect(o.id == "vastai-12345")
        #expect(o.pricePerGPUHour == F.price("0.866667"))
        #expect(o.perfScore == 1200)
        #expect(o.pricePerPerf == USDC(micro: 8667))
        #expect((0...1).contains(o.gScore))
    }

    @Test func providerDollarsBecomeExactMicroUnits() {
        #expect(USDC(providerDollars: 0.5663888888888889) == USDC(micro: 566_389))
        #expect(USDC(providerDollars: -1) == nil)
        #expect(USDC(providerDollars: .nan) == nil)
    }

    @Test func locationParsing() {
        #expect(OfferLocation(geolocation: "South Korea, KR") == OfferLocation(region: "South Korea", country: "KR"))
        #expect(OfferLocation(geolocation: ", US") == OfferLocation(region: "US", country: "US"))
        #expect(OfferLocation(geolocation: nil).country == nil)
        #expect(OfferLocation(geolocation: "Global").region == "Global")
    }

    @Test func gScoreRewardsPerformanceReliabilityAndEfficiency() {
        let m = F.model("rtx-4090")
        let base = GScore.score(provider: .vastai, perfScore: 100, reliability: 0.99, pricePerHour: F.price("0.40"))
        #expect(
            GScore.score(provider: .vastai, perfScore: 100, reliability: 0.80, pricePerHour: F.price("0.40")) < base)
        #expect(
            GScore.score(provider: .vastai, perfScore: 100, reliability: 0.99, pricePerHour: F.price("0.80")) < base)
        #expect(
            GScore.score(provider: .vastai, perfScore: 200, reliability: 0.99, pricePerHour: F.price("0.80")) > base)
        #expect(GScore.score(provider: .vastai, perfScore: 100, reliability: 0, pricePerHour: F.price("0.40")) == 0)
        #expect(GScore.score(provider: .akash, perfScore: 1e9, reliability: 1, pricePerHour: .zero) == 1)
        for p in ProviderID.allCases {
            let w = GScore.weights(for: p)
            #expect(abs(w.performance + w.reliability + w.efficiency - 1) < 1e-9)
        }
        #expect(PerformanceScore.score(model: m, gpuCount: 1, measured: 1000) == 125)
        #expect(PerformanceScore.score(model: m, gpuCount: 2, measured: 176.9) == 176.9)
    }

    @Test func snapshotIsDeterministicRealisticAndLabelled() {
        let a = MarketSnapshot.offers()
        let b = MarketSnapshot.offers()
        #expect(a == b)
        #expect((250...400).contains(a.count))
        #expect(Set(a.map(\.id)).count == a.count)
        #expect(a.allSatisfy { $0.source == .sample && $0.lastSynced == MarketSnapshot.captureDate })
        #expect(
            Set(a.map(\.provider)) == Set(ProviderID.upstream),
            "the snapshot holds upstream offers only, never GP4U listings")
        let index = MarketIndex(offers: a, builtAt: MarketSnapshot.captureDate)
        let h100 = index.search(OfferQuery(model: F.model("h100-sxm"), limit: 500)).items.map(
            \.pricePerGPUHour.approximateDollars)
        #expect(!h100.isEmpty && h100.allSatisfy { (0.5...6).contains($0) })
        #expect(!index.arbitrage.opportunities().isEmpty)
    }

    @Test func syntheticMarketHasTheRequestedSize() {
        let offers = MarketSnapshot.synthetic(count: 1000)
        #expect(offers.count == 1000)
        #expect(Set(offers.map(\.id)).count == 1000)
    }
}

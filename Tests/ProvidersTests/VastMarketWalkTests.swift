import Brokerage
import Foundation
import Providers
import Testing
import Timekeeping

@Suite("Vast.ai: the whole market under a per-answer limit")
struct VastMarketWalkTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var http: ProviderHTTP { ProviderHTTP(client: .shared, timeout: .seconds(15)) }

    func walk(_ market: VastMarketFixture, maxQueries: Int = 50) async throws -> OfferBatch {
        let answer: @Sendable (String, Data) async -> FixtureRoutes.Reply = { key, body in
            guard key == "POST /api/v0/bundles/" else { return .init(status: 404, body: "{}") }
            return await market.answer(body)
        }
        return try await withFixtureServer(answering: answer) { base in
            try await VastAdapter(
                baseURL: base, apiKey: "k", http: http, limit: 1000, maxQueries: maxQueries,
                clock: ManualTimeSource(now: t0)
            ).fetchBatch(pacer: .unpaced)
        }
    }

    @Test func threeThousandOffersWithALimitOfOneThousandAreAllListed() async throws {
        // 1,200 offers share one price: more than an answer holds, so that band is split by id.
        let market = VastMarketFixture.generated(count: 3000, sharedPrice: 1200, cap: 1000)
        let batch = try await walk(market)
        #expect(batch.offers.count == 3000)
        #expect(Set(batch.offers.map(\.externalID)) == Set(market.rows.map { String($0.id) }))
        #expect(batch.offers.filter { $0.gpuCount == 8 }.count == 360, "the dearest 8-GPU machines are there")
        #expect(batch.coverage.offersSeen == 3000 && batch.coverage.offersListed == 3000)
        #expect(batch.coverage.complete)
        #expect(batch.coverage.limitHits >= 2, "full answers were split further")
        #expect(batch.coverage.queries == (await market.queries))
        #expect(batch.coverage.skipped.isEmpty)
    }

    @Test func oneQueryWhenTheMarketFitsOneAnswer() async throws {
        let market = VastMarketFixture.generated(count: 999, sharedPrice: 0, cap: 1000)
        let batch = try await walk(market)
        #expect(batch.offers.count == 999)
        #expect(batch.coverage.queries == 1 && batch.coverage.limitHits == 0 && batch.coverage.complete)
    }

    @Test func aWalkCutShortByItsQueryBudgetSaysSo() async throws {
        let market = VastMarketFixture.generated(count: 3000, sharedPrice: 0, cap: 1000)
        let batch = try await walk(market, maxQueries: 2)
        #expect(batch.coverage.queries == 2)
        #expect(!batch.coverage.complete)
        #expect(batch.offers.count < 3000 && batch.offers.count >= 1999)
    }
}

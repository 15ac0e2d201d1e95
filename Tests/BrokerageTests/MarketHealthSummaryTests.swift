import Brokerage
import Foundation
import Testing
import Timekeeping

/// Never called: health tests only read the layer's state.
struct UnusedSource: OfferSource {
    let provider: ProviderID
    func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        Issue.record("health summary must not call \(provider)")
        return []
    }
}

@Suite("Provider health summary")
struct MarketHealthSummaryTests {
    func feed(_ p: ProviderID, _ clock: ManualTimeSource) -> ProviderFeed {
        ProviderFeed(source: UnusedSource(provider: p), fetcher: ResilientFetcher(provider: p, clock: clock))
    }

    @Test func unknownBeforeAnyCall() async {
        let clock = ManualTimeSource()
        let board = ProviderHealthBoard(feeds: [feed(.vastai, clock), feed(.akash, clock)])
        let summary = await board.summary(at: clock.now)
        #expect(
            summary.status == .unknown && summary.unknown == 2 && summary.requests == 0 && summary.successRate == nil)
        #expect(summary.providers.map(\.provider) == [.vastai, .akash])
    }

    @Test func worstStatusWins() async throws {
        let clock = ManualTimeSource()
        var config = ResilienceConfiguration()
        config.retry = RetryPolicy(maxRetries: 0)
        let failing = ResilientFetcher<[Offer]>(provider: .ionet, configuration: config, clock: clock)
        for _ in 0..<5 { _ = try? await failing.fetch { _ in throw ProviderCallError.server(status: 500) } }
        let healthy = ResilientFetcher<[Offer]>(provider: .vastai, clock: clock)
        _ = try await healthy.fetch { _ in [] }
        let mixed = ProviderHealthSummary(
            providers: [await healthy.snapshot(), await failing.snapshot()], at: clock.now)
        #expect(mixed.status == .degraded && mixed.down == 1 && mixed.healthy == 1)
        #expect(mixed.requests == 6 && mixed.successRate == 1.0 / 6.0 && mixed.breakerTrips == 1)
        #expect(ProviderHealthSummary(providers: [await failing.snapshot()], at: clock.now).status == .down)
        #expect(ProviderHealthSummary(providers: [await healthy.snapshot()], at: clock.now).status == .healthy)
    }
}

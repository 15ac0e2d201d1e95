import Brokerage
import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Providers
import Storage
import TestSupport
import Testing

@testable import Server

/// A provider that answers from memory: the snapshot's Vast.ai offers plus whatever a
/// test plants, so sync, store and health run for real without any network.
private struct PlantedSource: OfferSource {
    let provider: ProviderID = .vastai
    let planted: [Offer]
    func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        MarketSnapshot.offers().filter { $0.provider == provider }.map {
            var o = $0
            o.source = .live
            return o
        } + planted
    }
}

@Suite("Marketplace, arbitrage and provider health over HTTP")
struct MarketRoutesTests {
    static let outlier: Offer = {
        let m = GPUModel.lookup("rtx-4090")!
        return Offer(
            provider: .vastai, externalID: "planted-outlier", model: m, providerModelName: m.name, gpuCount: 1,
            vramGB: m.vramGB,
            pricePerHour: try! USDC(parsing: "20"), location: OfferLocation(region: "Texas", country: "US"),
            available: true,
            reliability: 0.99, lastSynced: MarketSnapshot.captureDate, priceKind: .firm)
    }()

    /// The app with the snapshot loaded through the real sync service into the real store,
    /// and one in-memory provider feed (`vastai`) for the health endpoints.
    static func withMarket(
        _ backend: Backend, planted: [Offer] = [], sync: Bool = false,
        _ body: @escaping @Sendable (any TestClientProtocol, AppDependencies) async throws -> Void
    ) async throws {
        let feed = ProviderFeed(
            source: PlantedSource(planted: planted), fetcher: ResilientFetcher<[Offer]>(provider: .vastai))
        let market = MarketIndexHolder()
        try await TestApp.with(backend, market: market, providerHealth: ProviderHealthBoard(feeds: [feed])) {
            client, deps in
            let service = MarketSyncService(feeds: [feed], store: deps.store, index: market, snapshotEnabled: true)
            await service.prepare()
            if sync { await service.syncOnce() }
            try await body(client, deps)
        }
    }

    static func items(_ r: TestResponse) throws -> [[String: Any]] { try r.json()["items"] as? [[String: Any]] ?? [] }

    @Test(
        "search pages are the encoder's exact bytes, for a first index and for the next, which reuses unchanged offers")
    func offerJSONPage() throws {
        var offers = Array(MarketSnapshot.synthetic(count: 6, seed: 1).prefix(6))
        let booking = BookingChannel(renting: [.vastai], simulatedMoney: false)
        let cache = OfferJSONCache(booking: booking)
        let first = MarketIndex(offers: offers, builtAt: Date(timeIntervalSince1970: 1_700_000_000))
        offers[2].pricePerHour = USDC(micro: offers[2].pricePerHour.micro + 10_000)  // same id, new price
        offers.remove(at: 4)
        offers += MarketSnapshot.synthetic(count: 1, seed: 2).map {
            var o = $0
            o.id += "-new"
            return o
        }
        let second = MarketIndex(offers: offers, builtAt: first.builtAt)  // built in the same second
        for (n, index) in [first, second, first].enumerated() {
            cache.prepareIgnoringErrors(index)  // as before publishing: the previous rendering stays
            #expect(cache.renderingsHeld == (n == 0 ? 1 : 2))
            for cursor in [nil, "abc_-9"] as [String?] {
                let positions = Array(index.offers.indices.reversed())
                let page = try cache.page(OfferMatches(positions: positions, nextCursor: cursor), in: index)
                let expected = try encodeJSON(
                    Page(items: positions.map { OfferView(index.offers[$0], booking: booking) }, next_cursor: cursor))
                #expect(String(buffer: page) == String(decoding: expected, as: UTF8.self))
            }
            #expect(cache.renderingsHeld == 1)  // published and asked for: the older one is let go
        }
    }

    @Test("cached market answers belong to one index, even when the next was built in the same second")
    func marketResponsesPerIndex() {
        let cache = MarketResponseCache()
        let offers = MarketSnapshot.synthetic(count: 3, seed: 1)
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let first = MarketIndex(offers: offers, builtAt: at)
        let second = MarketIndex(offers: offers, builtAt: at)
        #expect(cache.body(for: "k", index: first) { [1] } == [1])
        #expect(cache.body(for: "k", index: first) { [2] } == [1])
        #expect(cache.body(for: "k", index: second) { [3] } == [3])
    }

    @Test("search: snapshot offers with filters, sorts and cursor pages", arguments: Backend.available)
    func search(backend: Backend) async throws {
        try await Self.withMarket(backend) { client, deps in
            let all = try await client.send(.get, "/api/v1/gpus/search?limit=500")
            #expect(all.status == .ok)
            let offers = try Self.items(all)
            #expect(!offers.isEmpty)
            #expect(offers.allSatisfy { $0["source"] as? String == "sample" && $0["last_synced"] as? String != nil })
            // Offers landed in the database too, so reservations can book them by id.
            let firstID = try #require(offers.first?["id"] as? String)
            #expect(try await deps.store.offer(id: firstID) != nil)

            let filtered = try Self.items(
                await client.send(
                    .get, "/api/v1/gpus/search?model=rtx-4090&max_price=5&min_reliability=0.5&sort=price&limit=500"))
            #expect(!filtered.isEmpty)
            #expect(filtered.allSatisfy { $0["model"] as? String == "rtx-4090" })
            let prices = filtered.compactMap { ($0["price_per_gpu_hour"] as? String).flatMap(Double.init) }
            #expect(prices == prices.sorted())
            #expect(prices.allSatisfy { $0 <= 5 })

            let byScore = try Self.items(await client.send(.get, "/api/v1/gpus/search?sort=g_score&limit=500"))
            let scores = byScore.compactMap { $0["g_score"] as? Double }
            #expect(scores == scores.sorted(by: >))

            // Pages of 3 cover the same offers as one big page, without repeats.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(
                    .get, "/api/v1/gpus/search?sort=price&limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == .ok)
                seen += try Self.items(page).compactMap { $0["id"] as? String }
                cursor = try page.json()["next_cursor"] as? String
            } while cursor != nil && seen.count <= offers.count
            #expect(seen.count == Set(seen).count)
            #expect(
                Set(seen)
                    == Set(
                        try Self.items(await client.send(.get, "/api/v1/gpus/search?sort=price&limit=500")).compactMap {
                            $0["id"] as? String
                        }))
        }
    }

    @Test("search refuses invalid and contradictory filters with 422 and field details")
    func searchValidation() async throws {
        try await Self.withMarket(.sqlite) { client, _ in
            for (query, field) in [
                ("model=not-a-gpu", "model"), ("sort=cheapest", "sort"), ("min_reliability=2", "min_reliability"),
                ("max_price=abc", "max_price"), ("limit=0", "limit"), ("min_vram=200&model=rtx-4090", "min_vram"),
            ] {
                let r = try await client.send(.get, "/api/v1/gpus/search?\(query)")
                #expect(r.status == .unprocessableContent, "\(query)")
                #expect(r.errorCode == "validation_failed")
                let details = (try r.json()["error"] as? [String: Any])?["details"] as? [String: Any]
                #expect(details?[field] != nil, "\(query): \(String(buffer: r.body))")
            }
        }
    }

    @Test("an offer's JSON: null performance for an unmeasured GPU outside the catalogue, per-GPU score otherwise")
    func performanceFields() async throws {
        let model = try #require(GPUModel.derived(name: "Quantum X1 Pro"))
        let unmeasured = Offer(
            provider: .vastai, externalID: "planted-unknown", model: model, providerModelName: "Quantum X1 Pro",
            gpuCount: 2, vramGB: 48, pricePerHour: try USDC(parsing: "3"),
            location: OfferLocation(region: "Texas", country: "US"), available: true, reliability: 0.9,
            lastSynced: MarketSnapshot.captureDate, priceKind: .firm)
        try await Self.withMarket(.sqlite, planted: [unmeasured, Self.outlier], sync: true) { client, _ in
            let unknown = try await client.send(.get, "/api/v1/gpus/vastai-planted-unknown").json()
            for key in ["perf_score", "perf_score_per_gpu", "price_per_perf"] {
                #expect(unknown[key] is NSNull, "\(key) must be present and null")
            }
            #expect(unknown["provider_model_name"] as? String == "Quantum X1 Pro")
            #expect(unknown["bookable"] as? Bool == true, "simulated money books anything")
            let known = try await client.send(.get, "/api/v1/gpus/vastai-planted-outlier").json()
            let perf = try #require(known["perf_score"] as? Double)
            #expect(known["perf_score_per_gpu"] as? Double == perf, "one GPU: the offer's score is the GPU's")
            #expect(known["price_per_perf"] is String)
        }
    }

    @Test("gpu by id, compare, models, providers, price history", arguments: Backend.available)
    func detail(backend: Backend) async throws {
        try await Self.withMarket(backend, sync: true) { client, _ in
            let offers = try Self.items(await client.send(.get, "/api/v1/gpus/search?limit=10"))
            let ids = offers.compactMap { $0["id"] as? String }
            let one = try await client.send(.get, "/api/v1/gpus/\(ids[0])")
            #expect(one.status == .ok)
            #expect(try one.json()["id"] as? String == ids[0])
            #expect(try await client.send(.get, "/api/v1/gpus/no-such-offer").status == .notFound)

            let pair = try await client.send(
                .post, "/api/v1/gpus/compare", json: #"{"gpu_ids":["\#(ids[0])","\#(ids[1])"]}"#)
            #expect(pair.status == .ok)
            #expect(try Self.items(pair).count == 2)
            let single = try await client.send(.post, "/api/v1/gpus/compare", json: #"{"gpu_ids":["\#(ids[0])"]}"#)
            #expect(single.status == .unprocessableContent)
            let four = ids.prefix(4).map { "\"\($0)\"" }.joined(separator: ",")
            #expect(
                try await client.send(.post, "/api/v1/gpus/compare", json: #"{"gpu_ids":[\#(four)]}"#).status
                    == .unprocessableContent)
            #expect(
                try await client.send(.post, "/api/v1/gpus/compare", json: #"{"gpu_ids":["\#(ids[0])","nope"]}"#).status
                    == .notFound)

            let models = try Self.items(await client.send(.get, "/api/v1/gpus/models"))
            #expect(models.contains { $0["id"] as? String == "rtx-4090" })
            let providers = try Self.items(await client.send(.get, "/api/v1/gpus/providers"))
            #expect(providers.contains { $0["name"] as? String == "vastai" && $0["source"] as? String == "live" })

            let history = try await client.send(.get, "/api/v1/gpus/rtx-4090/price-history?hours=8760")
            #expect(history.status == .ok)
            #expect(
                try await client.send(.get, "/api/v1/gpus/rtx-4090/price-history?hours=0").status
                    == .unprocessableContent)
            #expect(
                try await client.send(.get, "/api/v1/gpus/rtx-4090/price-history?provider=nobody").status
                    == .unprocessableContent)
            #expect(try await client.send(.get, "/api/v1/gpus/warp-drive-9000/price-history").status == .notFound)
        }
    }

    @Test(
        "arbitrage: opportunities, a $20/h outlier is never the reference, best deal and savings",
        arguments: Backend.available)
    func arbitrage(backend: Backend) async throws {
        try await Self.withMarket(backend, planted: [Self.outlier], sync: true) { client, _ in
            let r = try await client.send(.get, "/api/v1/arbitrage/opportunities?min_spread_pct=0")
            #expect(r.status == .ok)
            let items = try Self.items(r)
            #expect(!items.isEmpty)
            for item in items {
                let spread = try #require(item["spread_pct"] as? Double)
                #expect(spread > 0 && spread < 100)
                let cheapest = try #require(item["cheapest"] as? [String: Any])
                let reference = try #require(item["reference"] as? [String: Any])
                #expect(cheapest["provider"] as? String != reference["provider"] as? String)
                #expect(reference["id"] as? String != Self.outlier.id)
                #expect(try #require(Double(item["reference_price"] as? String ?? "")) < 20)
            }
            #expect(
                try await client.send(.get, "/api/v1/arbitrage/opportunities?min_spread_pct=150").status
                    == .unprocessableContent)
            #expect(
                try await client.send(.get, "/api/v1/arbitrage/opportunities?gpu_model=nope").status
                    == .unprocessableContent)

            let model = try #require(items.first?["gpu_model"] as? String)
            let deal = try await client.send(.get, "/api/v1/arbitrage/best-deal/\(model)")
            #expect(deal.status == .ok)
            #expect((try deal.json()["offer"] as? [String: Any])?["model"] as? String == model)
            let savings = try await client.send(.get, "/api/v1/arbitrage/savings/\(model)?hours_per_day=8")
            #expect(savings.status == .ok)
            #expect(try savings.json()["hours_per_day"] as? Double == 8)
            #expect(
                try await client.send(.get, "/api/v1/arbitrage/savings/\(model)?hours_per_day=25").status
                    == .unprocessableContent)
            #expect(try await client.send(.get, "/api/v1/arbitrage/best-deal/warp-drive-9000").status == .notFound)
        }
    }

    @Test("provider health answers before any call; operator actions need the operator role")
    func providerHealth() async throws {
        try await Self.withMarket(.sqlite) { client, deps in
            let base = "/api/v1/provider-health"
            let health = try await client.send(.get, "\(base)/health")
            #expect(health.status == .ok)
            #expect((try health.json()["providers"] as? [Any])?.count == 1)
            #expect(try await client.send(.get, "\(base)/providers/vastai/health").status == .ok)
            #expect(try await client.send(.get, "\(base)/providers/akash/health").status == .notFound)
            #expect(try await client.send(.get, "\(base)/providers/nobody/health").status == .notFound)
            for path in ["circuit-breakers", "rate-limiters", "cache/stats"] {
                let r = try await client.send(.get, "\(base)/\(path)")
                #expect(r.status == .ok, "\(path)")
                #expect(try Self.items(r).first?["provider"] as? String == "vastai")
            }
            let metrics = try await client.send(.get, "\(base)/metrics/summary")
            #expect(metrics.status == .ok)
            #expect(try metrics.json()["requests"] as? Int == 0)

            let renter = try await client.signupAndLogin(email: "renter@example.com")
            #expect(try await client.send(.post, "\(base)/providers/vastai/health-check").status == .unauthorized)
            let check = try await client.send(.post, "\(base)/providers/vastai/health-check", token: renter)
            #expect(check.status == .ok)
            #expect(try check.json()["requests"] as? Int == 1)

            _ = try await deps.accounts.signup(
                email: "op@example.com", password: "correct horse battery", role: .operator)
            let login = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"op@example.com","password":"correct horse battery"}"#)
            let op = try #require(try login.json()["access_token"] as? String)
            for path in ["circuit-breakers/vastai/reset", "rate-limiters/reset-all", "cache/invalidate/vastai"] {
                #expect(try await client.send(.post, "\(base)/\(path)").status == .unauthorized, "\(path)")
                #expect(try await client.send(.post, "\(base)/\(path)", token: renter).status == .forbidden, "\(path)")
                #expect(try await client.send(.post, "\(base)/\(path)", token: op).status == .ok, "\(path)")
            }
            #expect(try await client.send(.post, "\(base)/cache/invalidate/akash", token: op).status == .notFound)
        }
    }
}

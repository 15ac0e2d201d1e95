import Brokerage
import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Providers
import Server
import Storage
import TestSupport
import Testing
import Timekeeping

/// One upstream offer served from memory, so a real sync round runs without a network.
private struct OneVastOffer: OfferSource {
    let provider: ProviderID = .vastai
    func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        let m = GPUModel.lookup("RTX 4090")!
        return [
            Offer(
                provider: .vastai, externalID: "1", model: m, providerModelName: m.name, gpuCount: 1, vramGB: 24,
                pricePerHour: USDC(micro: 2_500_000), location: OfferLocation(region: "Texas", country: "US"),
                available: true,
                reliability: 0.99, lastSynced: MarketSnapshot.captureDate, priceKind: .firm)
        ]
    }
}

@Suite("Provider listings over HTTP")
struct ProviderRoutesTests {
    @Test("only providers list; every bad field is a 422 detail", arguments: Backend.available)
    func validation(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            let renter = try await client.signupAndLogin(email: "r@example.com")
            let listing = #"{"model":"RTX 4090","price_per_hour":"1.50","location":"Oslo, NO"}"#
            let refused = try await client.send(.post, "/api/v1/provider/gpus", json: listing, token: renter)
            #expect(refused.status == .forbidden)
            for path in ["/api/v1/provider/gpus", "/api/v1/provider/earnings", "/api/v1/provider/g-score"] {
                #expect(try await client.send(.get, path, token: renter).status == .forbidden, "\(path)")
                #expect(try await client.send(.get, path).status == .unauthorized, "\(path)")
            }
            let provider = try await Self.provider(client, "p@example.com")
            let bad = try await client.send(
                .post, "/api/v1/provider/gpus",
                json: #"{"model":"Voodoo 5","gpu_count":0,"price_per_hour":"0","location":""}"#, token: provider)
            #expect(bad.status == .unprocessableContent && bad.errorCode == "validation_failed")
            let details = try #require((try bad.json()["error"] as? [String: Any])?["details"] as? [String: String])
            #expect(Set(details.keys) == ["model", "gpu_count", "price_per_hour", "location"])
        }
    }

    @Test(
        "list → search (also after a sync) → patch → book and cluster → earnings and G-Score",
        arguments: Backend.available)
    func endToEnd(backend: Backend) async throws {
        let clock = ManualTimeSource()
        let market = MarketIndexHolder()
        try await TestApp.with(backend, clock: clock, market: market) { client, deps in
            let feed = ProviderFeed(source: OneVastOffer(), fetcher: ResilientFetcher<[Offer]>(provider: .vastai))
            let sync = MarketSyncService(feeds: [feed], store: deps.store, index: market, snapshotEnabled: false)
            await sync.syncOnce()
            let owner = try await Self.provider(client, "owner@example.com")
            let other = try await Self.provider(client, "other@example.com")
            let renter = try await client.signupAndLogin(email: "renter@example.com")
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"50"}"#, token: renter)

            let created = try await client.send(
                .post, "/api/v1/provider/gpus",
                json: #"{"model":"nvidia geforce rtx 4090","price_per_hour":"1.50","location":"Oslo, NO"}"#,
                token: owner)
            #expect(created.status == .created)
            let listing = try created.json()
            let id = try #require(listing["id"] as? String)
            #expect(
                id.hasPrefix("gp4u-") && listing["model_name"] as? String == "RTX 4090"
                    && listing["vram_gb"] as? Int == 24)

            // In search at once, and still after the next sync round.
            #expect(try await Self.searchIDs(client, "provider=gp4u") == [id])
            await sync.syncOnce()
            #expect(try await Self.searchIDs(client, "provider=gp4u") == [id])
            #expect(try await Self.searchIDs(client, "model=rtx-4090&sort=price") == [id, "vastai-1"])

            // Owner-only changes; the market follows.
            let foreign = try await client.send(
                .patch, "/api/v1/provider/gpus/\(id)", json: #"{"price_per_hour":"0.10"}"#, token: other)
            #expect(foreign.status == .notFound)
            let patched = try await client.send(
                .patch, "/api/v1/provider/gpus/\(id)", json: #"{"price_per_hour":"1.00"}"#, token: owner)
            #expect(patched.status == .ok)
            let offer = try await client.send(.get, "/api/v1/gpus/\(id)").json()
            #expect(offer["price_per_hour"] as? String == "1.00" && offer["provider"] as? String == "gp4u")
            #expect(try Self.items(try await client.send(.get, "/api/v1/provider/gpus", token: owner)).count == 1)
            #expect(try Self.items(try await client.send(.get, "/api/v1/provider/gpus", token: other)).isEmpty)

            // A one-hour cluster picks the cheaper listing; completing it pays the owner 1.00 − 10%.
            let plan = #"{"job_name":"render","compute_intensity":100,"vram_gb":24,"deadline_hours":1}"#
            let cluster = try await client.send(.post, "/api/v1/clusters", json: plan, token: renter).json()
            let members = try #require((cluster["plan"] as? [String: Any])?["members"] as? [[String: Any]])
            #expect(members.compactMap { $0["gpu_id"] as? String } == [id])
            let clusterID = try #require(cluster["id"] as? String)
            #expect(try await client.send(.post, "/api/v1/clusters/\(clusterID)/start", token: renter).status == .ok)
            #expect(try await client.send(.post, "/api/v1/clusters/\(clusterID)/complete", token: renter).status == .ok)

            // A booking through the reservations routes pays the owner too, when it starts.
            let start = clock.epochSeconds + 2 * 3600
            let booking = try await client.send(
                .post, "/api/v1/reservations",
                json:
                    #"{"gpu_id":"\#(id)","start_time":"\#(Self.iso(start))","end_time":"\#(Self.iso(start + 7200))"}"#,
                token: renter)
            #expect(booking.status == .created)
            _ = try await deps.store.advanceLifecycle(now: start, fee: deps.fee, limit: 10)

            let earnings = try await client.send(.get, "/api/v1/provider/earnings", token: owner).json()
            #expect(earnings["earnings"] as? String == "2.70")
            #expect(Self.items(earnings).compactMap { $0["amount"] as? String } == ["1.80", "0.90"])
            #expect(
                Self.items(earnings).compactMap { $0["type"] as? String } == ["reservation_capture", "cluster_charge"])
            let none = try await client.send(.get, "/api/v1/provider/earnings", token: other).json()
            #expect(none["earnings"] as? String == "0.00" && Self.items(none).isEmpty)
            #expect(try await deps.store.entriesTotal() == .zero)

            let g = try await client.send(.get, "/api/v1/provider/g-score", token: owner).json()
            let scores = Self.items(g)
            #expect(scores.count == 1 && scores.first?["gpu_id"] as? String == id)
            let score = try #require(scores.first?["g_score"] as? Double)
            #expect(score > 0 && score < 1 && g["g_score"] as? Double == score)
            #expect(try await client.send(.get, "/api/v1/provider/g-score", token: other).json()["g_score"] == nil)
        }
    }

    // MARK: - Helpers

    static func provider(_ client: any TestClientProtocol, _ email: String) async throws -> String {
        let signup = try await client.send(
            .post, "/api/v1/auth/signup",
            json: #"{"email":"\#(email)","password":"correct horse battery","role":"provider"}"#)
        #expect(signup.status == .created)
        let login = try await client.send(
            .post, "/api/v1/auth/login", json: #"{"email":"\#(email)","password":"correct horse battery"}"#)
        return try #require(try login.json()["access_token"] as? String)
    }

    static func searchIDs(_ client: any TestClientProtocol, _ query: String) async throws -> [String] {
        try items(try await client.send(.get, "/api/v1/gpus/search?\(query)")).compactMap { $0["id"] as? String }
    }

    static func items(_ r: TestResponse) throws -> [[String: Any]] { try items(r.json()) }
    static func items(_ json: [String: Any]) -> [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    static func iso(_ t: Int64) -> String { Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601) }
}

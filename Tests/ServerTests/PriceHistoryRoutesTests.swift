import Brokerage
import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Storage
import TestSupport
import Testing
import Timekeeping

@Suite("Price history over HTTP")
struct PriceHistoryRoutesTests {
    @Test("per provider and for all, by hour or day; the old route keeps working", arguments: Backend.available)
    func series(backend: Backend) async throws {
        let clock = ManualTimeSource(now: Date(timeIntervalSince1970: 1_800_000_000))
        try await TestApp.with(backend, clock: clock) { client, deps in
            let model = try #require(GPUModel.lookup("rtx-4090"))
            func offer(_ provider: ProviderID, _ price: String) throws -> Offer {
                Offer(
                    provider: provider, externalID: price, model: model, providerModelName: "RTX 4090", gpuCount: 1,
                    vramGB: 24, pricePerHour: try USDC(parsing: price),
                    location: OfferLocation(region: "X", country: nil),
                    available: true, reliability: 0.9, lastSynced: clock.now, priceKind: .firm)
            }
            for hour in 1...3 {
                let t = clock.now.addingTimeInterval(-Double(hour) * 3600 + 60)
                try await deps.store.recordPriceHistory(
                    PriceHistoryPoint.summarize([try offer(.vastai, "0.4\(hour)"), try offer(.akash, "0.30")], at: t))
            }
            let hourly = try await client.send(.get, "/api/v1/market/models/rtx-4090/price-history?interval=hour")
            #expect(hourly.status == .ok)
            let body = try hourly.json()
            #expect(body["interval"] as? String == "hour" && body["model"] as? String == "rtx-4090")
            let items = try #require(body["items"] as? [[String: Any]])
            #expect(items.map { $0["provider"] as? String } == [nil, "vastai", "akash"])
            let vast = try #require(items[1]["points"] as? [[String: Any]])
            #expect(vast.map { $0["median"] as? String } == ["0.43", "0.42", "0.41"])
            #expect(vast.allSatisfy { $0["p10"] != nil && $0["p90"] != nil })
            let daily = try await client.send(
                .get,
                "/api/v1/market/models/RTX%204090/price-history?interval=day&from=2026-12-01T00:00:00Z&to=2027-01-20T00:00:00Z"
            )
            #expect(daily.status == .ok)
            let days = try #require(
                (try daily.json()["items"] as? [[String: Any]])?.first?["points"] as? [[String: Any]])
            #expect(days.count == 1 && days.first?["offers"] as? Int == 2)
            for bad in [
                "interval=week", "from=2027-01-15T00:00:00Z&to=2027-01-14T00:00:00Z", "from=2020-01-01T00:00:00Z",
            ] {
                let r = try await client.send(.get, "/api/v1/market/models/rtx-4090/price-history?\(bad)")
                #expect(r.status == .unprocessableContent, "\(bad)")
            }
            #expect(
                try await client.send(.get, "/api/v1/market/models/warp-drive-9000/price-history").status == .notFound)
            let old = try await client.send(.get, "/api/v1/gpus/rtx-4090/price-history?provider=vastai&hours=24")
            #expect(old.status == .ok)
            #expect((try old.json()["items"] as? [Any])?.count == 3)
        }
    }
}

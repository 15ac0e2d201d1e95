import AsyncHTTPClient
import Brokerage
import Ethereum
import Foundation
import Providers
import Testing
import Timekeeping

@Suite("Adapters against the local fixture server")
struct ProviderAdapterHTTPTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    /// Generous: the suite runs beside heavy database tests on 2 cores; only the timeout
    /// test uses a short limit.
    var http: ProviderHTTP { ProviderHTTP(client: .shared, timeout: .seconds(15)) }

    @Test("a provider key never appears in a description or dump of what holds it (services are logged with them)")
    func keysAreRedacted() {
        let vast = VastAdapter(baseURL: "http://127.0.0.1:9", apiKey: "vast-secret-1234567", http: http)
        let ionet = IONetAdapter(baseURL: "http://127.0.0.1:9", apiKey: "ionet-secret-1234567", http: http)
        let feed = ProviderFeed(source: vast, fetcher: ResilientFetcher<[Offer]>(provider: .vastai))
        let config = MarketConfiguration(vastAPIKey: "vast-secret-1234567", ionetAPIKey: "ionet-secret-1234567")
        var dumped = ""
        dump(config, to: &dumped)
        for text in [
            String(describing: feed), String(reflecting: feed), String(describing: vast), String(describing: ionet),
            String(reflecting: ionet), String(describing: config), dumped,
        ] {
            #expect(!text.contains("secret") && text.contains("<redacted>"), "\(text)")
        }
    }

    @Test func vastSearchSendsTheQueryAndKey() async throws {
        let routes = FixtureRoutes()
        await routes.set(
            "POST /api/v0/bundles/", .init(body: String(decoding: try ProviderFixtures.vastSample(), as: UTF8.self)))
        let offers = try await withFixtureServer(routes) { base in
            try await VastAdapter(baseURL: base, apiKey: "secret-key", http: http, clock: ManualTimeSource(now: t0))
                .fetchOffers(
                    pacer: .unpaced)
        }
        #expect(offers.count == 40)
        let headers = await routes.lastHeaders["POST /api/v0/bundles/"] ?? [:]
        #expect(headers["Authorization"] == "Bearer secret-key" || headers["authorization"] == "Bearer secret-key")
    }

    @Test func akashUsesPricesAndToleratesAFailingAvailabilityCall() async throws {
        let routes = FixtureRoutes()
        await routes.set("GET /v1/gpu-prices", .init(body: ProviderFixtures.akashPrices))
        await routes.set("GET /v1/gpu", .init(status: 500, body: "{}"))
        let offers = try await withFixtureServer(routes) { base in
            try await AkashAdapter(baseURL: base, http: http, clock: ManualTimeSource(now: t0)).fetchOffers(
                pacer: .unpaced)
        }
        #expect(offers.count == 3, "the bare h100 is listed under a derived id")
        #expect(offers[0].availableUnits == 8)
    }

    @Test func ionetQuotesEachAvailableHardware() async throws {
        let routes = FixtureRoutes()
        await routes.set(
            "GET /enterprise/v1/io-cloud/caas/hardware/max-gpus-per-container",
            .init(body: ProviderFixtures.ionetHardware))
        await routes.set("GET /v1/io-cloud/caas/locations", .init(body: ProviderFixtures.ionetLocations))
        await routes.set("GET /enterprise/v1/io-cloud/caas/price", .init(body: ProviderFixtures.ionetQuote))
        let offers = try await withFixtureServer(routes) { base in
            try await IONetAdapter(baseURL: base, apiKey: "io-key", http: http, clock: ManualTimeSource(now: t0))
                .fetchOffers(
                    pacer: .unpaced)
        }
        // "Mystery Accelerator" is outside the catalogue: quoted and listed under a derived id.
        #expect(offers.map(\.id) == ["ionet-hw206", "ionet-hw38", "ionet-hw99"])
        #expect(offers[2].model.id == "mystery-accelerator" && offers[2].perfScore == nil)
        #expect(offers[0].model.id == "h100-sxm" && offers[1].model.id == "rtx-4090")
        #expect(offers[0].pricePerGPUHour == USDC(micro: 2_250_000))
        #expect(offers[0].location.region == "Multiple: US, DE")
        #expect(offers[0].availableUnits == 24)
        #expect(await routes.hitCount("GET /enterprise/v1/io-cloud/caas/price") == 3)
        let query = await routes.lastQuery["GET /enterprise/v1/io-cloud/caas/price"] ?? ""
        #expect(query.contains("hardware_id=99") && query.contains("duration_hours=1"))
        #expect(query.contains("location_ids=%5B1,4%5D") || query.contains("location_ids=%5B1%2C4%5D"))
        #expect(await routes.lastHeaders["GET /v1/io-cloud/caas/locations"]?["x-api-key"] == "io-key")
    }

    @Test func renderSheetFromURLAndFromFile() async throws {
        let routes = FixtureRoutes()
        await routes.set("GET /sheets/render.json", .init(body: ProviderFixtures.renderSheet))
        let fromURL = try await withFixtureServer(routes) { base in
            try await RenderAdapter(
                location: .url(base + "/sheets/render.json"), http: http, clock: ManualTimeSource(now: t0)
            ).fetchOffers(
                pacer: .unpaced)
        }
        #expect(fromURL.count == 3)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gp4u-render-\(UUID().uuidString).json")
        try Data(ProviderFixtures.renderSheet.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try await RenderAdapter(location: .file(file.path), http: http, clock: ManualTimeSource(now: t0))
            .fetchOffers(
                pacer: .unpaced)
        #expect(fromFile.map(\.id) == fromURL.map(\.id))
        await #expect(throws: ProviderCallError.self) {
            try await RenderAdapter(location: .file("/nonexistent/render.json"), http: http).fetchOffers(
                pacer: .unpaced)
        }
    }

    @Test(arguments: [
        (429, ProviderCallError.rateLimited), (500, .server(status: 500)), (503, .server(status: 503)),
        (401, .client(status: 401)),
    ])
    func statusCodesMapToCallErrors(status: Int, expected: ProviderCallError) async throws {
        let routes = FixtureRoutes()
        await routes.set(
            "POST /api/v0/bundles/", .init(status: status, body: "{\"msg\": \"API requests too frequent\"}"))
        _ = try await withFixtureServer(routes) { base in
            await #expect(throws: expected) {
                try await VastAdapter(baseURL: base, apiKey: nil, http: http).fetchOffers(pacer: .unpaced)
            }
        }
    }

    @Test func slowResponsePastTheDeadlineIsATimeout() async throws {
        let routes = FixtureRoutes()
        await routes.set("POST /api/v0/bundles/", .init(body: "{\"offers\": []}", delay: .seconds(2)))
        _ = try await withFixtureServer(routes) { base in
            await #expect(throws: ProviderCallError.timeout) {
                try await VastAdapter(
                    baseURL: base, apiKey: nil, http: ProviderHTTP(client: .shared, timeout: .milliseconds(200))
                ).fetchOffers(pacer: .unpaced)
            }
        }
    }

    @Test func refusedConnectionIsATransportError() async throws {
        // Port 9 on loopback: nothing listens there in the test environment.
        await #expect(throws: ProviderCallError.self) {
            try await VastAdapter(baseURL: "http://127.0.0.1:9", apiKey: nil, http: http).fetchOffers(pacer: .unpaced)
        }
    }
}

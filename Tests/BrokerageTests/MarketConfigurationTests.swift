import Brokerage
import Testing

@Suite("Market configuration")
struct MarketConfigurationTests {
    @Test func defaults() throws {
        let c = try MarketConfiguration.fromEnvironment([:])
        #expect(c.providers == [.vastai, .akash, .ionet, .render])
        #expect(c.vastURL == "https://console.vast.ai")
        #expect(c.akashURL == "https://console-api.akash.network")
        #expect(c.ionetURL == "https://api.io.solutions")
        #expect(c.vastAPIKey == nil && c.ionetAPIKey == nil && c.renderPriceSheet == nil)
        #expect(c.syncInterval == .seconds(30))
        #expect(c.snapshotEnabled)
    }

    @Test func readsEveryVariable() throws {
        let c = try MarketConfiguration.fromEnvironment([
            "GP4U_PROVIDERS": "vastai, render", "GP4U_VASTAI_URL": "http://127.0.0.1:9000/",
            "GP4U_VASTAI_API_KEY": "k-123",
            "GP4U_AKASH_URL": "http://localhost:1", "GP4U_IONET_URL": "https://io.example",
            "GP4U_IONET_API_KEY": "io-key",
            "GP4U_RENDER_PRICE_SHEET": "/etc/gp4u/render.json", "GP4U_SYNC_INTERVAL": "120",
            "GP4U_MARKET_SNAPSHOT": "off",
        ])
        #expect(c.providers == [.vastai, .render])
        #expect(c.vastURL == "http://127.0.0.1:9000")
        #expect(c.vastAPIKey == "k-123" && c.ionetAPIKey == "io-key")
        #expect(c.renderPriceSheet == .file("/etc/gp4u/render.json"))
        #expect(c.syncInterval == .seconds(120))
        #expect(!c.snapshotEnabled)
        let url = try MarketConfiguration.fromEnvironment(["GP4U_RENDER_PRICE_SHEET": "https://ops.example/render.json"]
        )
        #expect(url.renderPriceSheet == .url("https://ops.example/render.json"))
    }

    @Test(arguments: [
        ("GP4U_PROVIDERS", "vastai,aws"), ("GP4U_PROVIDERS", ","), ("GP4U_PROVIDERS", "vastai,gp4u"),
        ("GP4U_VASTAI_URL", "console.vast.ai"),
        ("GP4U_AKASH_URL", "ftp://x"), ("GP4U_IONET_URL", "https://user:pw@api.io.solutions"),
        ("GP4U_SYNC_INTERVAL", "0"), ("GP4U_SYNC_INTERVAL", "30s"), ("GP4U_MARKET_SNAPSHOT", "maybe"),
        ("GP4U_VASTAI_API_KEY", "has space"),
    ])
    func errorsNameTheVariable(name: String, value: String) {
        do {
            _ = try MarketConfiguration.fromEnvironment([name: value])
            Issue.record("\(name)=\(value) should be refused")
        } catch {
            #expect(error.variable == name)
            #expect(error.description.hasPrefix(name))
            #expect(!error.description.contains("pw@"))
        }
    }
}

import Foundation

/// Operator settings of the marketplace, read from the environment by the server.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `GP4U_PROVIDERS` | comma list of `vastai,akash,ionet,render` | all four |
/// | `GP4U_VASTAI_URL` | Vast.ai base URL (search at `{base}/api/v0/bundles/`) | `https://console.vast.ai` |
/// | `GP4U_VASTAI_API_KEY` | Vast.ai key (Bearer) | none: public search |
/// | `GP4U_AKASH_URL` | Akash console API | `https://console-api.akash.network` |
/// | `GP4U_IONET_URL` | io.net API | `https://api.io.solutions` |
/// | `GP4U_IONET_API_KEY` | io.net key (`x-api-key`) | none: io.net skipped |
/// | `GP4U_RENDER_PRICE_SHEET` | Render price sheet: file path or http(s) URL | none: Render skipped |
/// | `GP4U_SYNC_INTERVAL` | seconds between syncs, 5...86400 | 30 |
/// | `GP4U_MARKET_SNAPSHOT` | `on`/`off`: serve the bundled sample (generated at typical prices) until live data arrives | on without chains, off with chains |
public struct MarketConfiguration: Sendable, Hashable {
    public var providers: [ProviderID]
    public var vastURL: String
    public var vastAPIKey: ProviderKey?
    public var akashURL: String
    public var ionetURL: String
    public var ionetAPIKey: ProviderKey?
    public var renderPriceSheet: PriceSheetLocation?
    public var syncInterval: Duration
    public var snapshotEnabled: Bool
    /// Whether `GP4U_MARKET_SNAPSHOT` was set: with chains configured the sample is off
    /// unless it was set to `on` explicitly.
    public var snapshotExplicit = false
    /// Per-provider resilience (defaults: ``ResilienceConfiguration/default(for:)``).
    public var resilience: [ProviderID: ResilienceConfiguration]

    public static let defaultVastURL = "https://console.vast.ai"
    public static let defaultAkashURL = "https://console-api.akash.network"
    public static let defaultIONetURL = "https://api.io.solutions"

    public init(
        providers: [ProviderID] = ProviderID.upstream, vastURL: String = defaultVastURL, vastAPIKey: ProviderKey? = nil,
        akashURL: String = defaultAkashURL, ionetURL: String = defaultIONetURL, ionetAPIKey: ProviderKey? = nil,
        renderPriceSheet: PriceSheetLocation? = nil, syncInterval: Duration = .seconds(30),
        snapshotEnabled: Bool = true,
        resilience: [ProviderID: ResilienceConfiguration] = [:]
    ) {
        self.providers = providers
        self.vastURL = vastURL
        self.vastAPIKey = vastAPIKey
        self.akashURL = akashURL
        self.ionetURL = ionetURL
        self.ionetAPIKey = ionetAPIKey
        self.renderPriceSheet = renderPriceSheet
        self.syncInterval = syncInterval
        self.snapshotEnabled = snapshotEnabled
        self.resilience = resilience
    }

    /// Resilience settings for a provider.
    public func resilience(for provider: ProviderID) -> ResilienceConfiguration {
        resilience[provider] ?? .default(for: provider)
    }

    /// Reads and validates the `GP4U_*` variables above; the error names the variable and
    /// what is wrong (never echoing key values).
    public static func fromEnvironment(_ env: [String: String]) throws(MarketConfigurationError) -> MarketConfiguration
    {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        var config = MarketConfiguration()
        if let list = value("GP4U_PROVIDERS") {
            var providers: [ProviderID] = []
            for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() })
            where !name.isEmpty {
                guard let p = ProviderID(rawValue: name), p.isUpstream else {
                    throw MarketConfigurationError(
                        variable: "GP4U_PROVIDERS",
                        problem:
                            "unknown provider \"\(name.prefix(32))\"; use a comma list of vastai, akash, ionet, render")
                }
                if !providers.contains(p) { providers.append(p) }
            }
            if providers.isEmpty {
                throw MarketConfigurationError(
                    variable: "GP4U_PROVIDERS", problem: "lists no provider; leave it unset for all four")
            }
            config.providers = providers
        }
        config.vastURL = try baseURL(value("GP4U_VASTAI_URL") ?? defaultVastURL, variable: "GP4U_VASTAI_URL")
        config.akashURL = try baseURL(value("GP4U_AKASH_URL") ?? defaultAkashURL, variable: "GP4U_AKASH_URL")
        config.ionetURL = try baseURL(value("GP4U_IONET_URL") ?? defaultIONetURL, variable: "GP4U_IONET_URL")
        config.vastAPIKey = try apiKey(env["GP4U_VASTAI_API_KEY"], variable: "GP4U_VASTAI_API_KEY")
        config.ionetAPIKey = try apiKey(env["GP4U_IONET_API_KEY"], variable: "GP4U_IONET_API_KEY")
        if let sheet = value("GP4U_RENDER_PRICE_SHEET") {
            if sheet.lowercased().hasPrefix("http://") || sheet.lowercased().hasPrefix("https://") {
                config.renderPriceSheet = .url(try baseURL(sheet, variable: "GP4U_RENDER_PRICE_SHEET"))
            } else {
                config.renderPriceSheet = .file(sheet)
            }
        }
        if let text = value("GP4U_SYNC_INTERVAL") {
            guard let seconds = Int(text), (5...86_400).contains(seconds) else {
                throw MarketConfigurationError(
                    variable: "GP4U_SYNC_INTERVAL", problem: "must be a whole number of seconds from 5 to 86400")
            }
            config.syncInterval = .seconds(seconds)
        }
        if let text = value("GP4U_MARKET_SNAPSHOT") {
            switch text.lowercased() {
            case "on", "true", "1", "yes":
                config.snapshotEnabled = true
                config.snapshotExplicit = true
            case "off", "false", "0", "no":
                config.snapshotEnabled = false
                config.snapshotExplicit = true
            default: throw MarketConfigurationError(variable: "GP4U_MARKET_SNAPSHOT", problem: "must be on or off")
            }
        }
        return config
    }

    private static func baseURL(_ text: String, variable: String) throws(MarketConfigurationError) -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw MarketConfigurationError(
                variable: variable, problem: "must be an http or https URL such as https://example.com")
        }
        if url.user != nil || url.password != nil {
            throw MarketConfigurationError(
                variable: variable, problem: "must not contain credentials; use the matching _API_KEY variable")
        }
        var normalized = text
        while normalized.hasSuffix("/") { normalized.removeLast() }
        return normalized
    }

    private static func apiKey(_ raw: String?, variable: String) throws(MarketConfigurationError) -> ProviderKey? {
        guard let raw else { return nil }
        let key = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if key.isEmpty { return nil }
        guard key.count <= 512, key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw MarketConfigurationError(
                variable: variable, problem: "must be printable ASCII without spaces, at most 512 characters")
        }
        return ProviderKey(key)
    }
}

/// Where the Render price sheet lives.
public enum PriceSheetLocation: Sendable, Hashable {
    case file(String)
    case url(String)
}

/// A marketplace setting is invalid: names the variable and what to change.
public struct MarketConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var variable: String
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable) \(problem)" }
}

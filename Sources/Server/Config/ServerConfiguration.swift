import Brokerage
import ChainWatcher
import Ethereum
import Foundation
import Logging
import Storage

/// Everything `gp4u serve` reads from the environment, validated up front so a bad
/// value stops startup with one clear line instead of failing later.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var dataDir: String
    public var database: DatabaseConfiguration
    /// `nil` means: use (or create) the secret stored in the data folder.
    public var jwtSecret: String?
    public var logLevel: Logger.Level
    /// Chains to watch (`GP4U_CHAINS` and `GP4U_CHAIN_<ID>_*`); empty means simulated mode.
    public var chains: [ChainConfiguration]
    /// Simulated deposits allowed; on by default only when no chain is watched.
    public var simulation: Bool
    public var platformFee: PlatformFee
    /// The URL users reach the web app at; Sign-In with Ethereum messages must name it.
    public var publicURL: URL
    /// Providers, their URLs and keys, sync interval and snapshot (`GP4U_PROVIDERS` and
    /// friends; see the README's marketplace section).
    public var market = MarketConfiguration()
    /// Limits, approvals and the hot wallets' password (see ``WithdrawalConfiguration``).
    public var withdrawals = WithdrawalConfiguration()
    /// Other web origins allowed to call the API from a browser; off by default.
    public var cors = CORSPolicy.off
    /// Per-address allowances of password checks and signups.
    public var loginLimits = LoginThrottle.Limits()
    /// Reverse proxies whose `X-Forwarded-For` is believed; none by default.
    public var trustedProxies = TrustedProxies.none
    /// Renting machines upstream for bookings.
    public var machines = MachineConfiguration()

    public static let defaults: [(name: String, value: String, meaning: String)] =
        [
            ("GP4U_HOST", "127.0.0.1", "address to listen on"),
            ("GP4U_PORT", "8080", "port to listen on (1-65535)"),
            ("GP4U_DATA_DIR", "./data", "folder for the SQLite file and the generated JWT secret"),
            (
                "GP4U_DATABASE_URL", "",
                "postgres://user:password@host:5432/db?sslmode=disable|prefer|require; empty = embedded SQLite"
            ),
            (
                "GP4U_JWT_SECRET", "",
                "HS256 secret, at least 32 bytes; empty = generated once and stored in the data folder"
            ),
            ("GP4U_LOG_LEVEL", "info", "trace, debug, info, notice, warning, error or critical"),
            (
                "GP4U_CHAINS", "",
                "comma list of chain ids to watch (1, 137, 11155111, 80002, or a dev chain with its RPC URLs set); empty = simulated mode"
            ),
            (
                "GP4U_SIMULATION", "on without chains, off with",
                "on/off: allow simulated deposits (marked simulated everywhere)"
            ),
            (
                "GP4U_CORS_ORIGINS", "",
                "other web origins allowed to call the API from a browser: * or a comma list like https://app.example.com; empty = off"
            ),
            ("GP4U_SIGNUPS_PER_IP_PER_HOUR", "10", "signups allowed from one address an hour"),
            (
                "GP4U_PASSWORD_CHECKS_PER_IP_PER_MINUTE", "30",
                "logins (right or wrong) and wallet sign-in nonces from one address a minute"
            ),
            ("GP4U_FAILED_LOGINS_PER_IP", "20", "wrong passwords from one address within 15 minutes"),
            (
                "GP4U_TRUSTED_PROXIES", "",
                "reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client; empty = none"
            ),
            (
                "GP4U_DEFAULT_IMAGE", MachineConfiguration.defaultImage,
                "Docker image of machines rented for bookings (with GP4U_VASTAI_API_KEY)"
            ),
            ("GP4U_MACHINE_DISK_GB", "40", "disk of machines rented for bookings, in GB"),
            ("GP4U_PROVISION_INTERVAL", "5", "seconds between the provisioning service's rounds and polls"),
            ("GP4U_MACHINE_HEALTH_INTERVAL", "60", "seconds between checks that a running machine is still up"),
            ("GP4U_RENT_IN_SIMULATION", "no", "yes: rent machines for bookings paid with simulated money (staging)"),
            (
                "GP4U_PUBLIC_URL", "http://localhost:<GP4U_PORT>",
                "the URL users open; wallet sign-in messages must name its scheme, host and port"
            ),
            (
                "GP4U_PLATFORM_FEE_PCT", "10",
                "platform fee on captured bookings and clusters, percent 0-100 (up to 2 decimals)"
            ),
        ] + ChainConfiguration.environmentHelp + WithdrawalConfiguration.environmentHelp

    public static func fromEnvironment(_ env: [String: String]) throws(ConfigError) -> ServerConfiguration {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        let host = value("GP4U_HOST") ?? "127.0.0.1"
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == ":" || $0 == "-" }) else {
            throw ConfigError("GP4U_HOST", "is not a host name or IP address (got \"\(host)\")")
        }
        let portText = value("GP4U_PORT") ?? "8080"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw ConfigError("GP4U_PORT", "must be a number from 1 to 65535 (got \"\(portText)\")")
        }
        let dataDir = value("GP4U_DATA_DIR") ?? "./data"
        let database: DatabaseConfiguration
        if let url = value("GP4U_DATABASE_URL") {
            guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
                let h = parts.host, !h.isEmpty, parts.user?.isEmpty == false
            else {
                throw ConfigError(
                    "GP4U_DATABASE_URL",
                    "must look like postgres://user:password@host:5432/database (got a value that does not)")
            }
            database = .postgres(url: url)
        } else {
            database = .resolve(databaseURL: nil, dataDir: dataDir)
        }
        let secret = value("GP4U_JWT_SECRET")
        if let secret, secret.utf8.count < 32 {
            throw ConfigError(
                "GP4U_JWT_SECRET", "must be at least 32 bytes (got \(secret.utf8.count)); try: openssl rand -hex 32")
        }
        let levelText = value("GP4U_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ConfigError(
                "GP4U_LOG_LEVEL",
                "must be one of trace, debug, info, notice, warning, error, critical (got \"\(levelText)\")")
        }
        let chains: [ChainConfiguration]
        do { chains = try ChainConfiguration.fromEnvironment(env) } catch {
            throw ConfigError(error.variable, error.problem)
        }
        let simulation: Bool
        switch value("GP4U_SIMULATION")?.lowercased() {
        case nil: simulation = chains.isEmpty
        case "on", "true", "1", "yes": simulation = true
        case "off", "false", "0", "no": simulation = false
        case let other?: throw ConfigError("GP4U_SIMULATION", "must be on or off (got \"\(other)\")")
        }
        if simulation, !chains.isEmpty, value("GP4U_SIMULATION_WITH_CHAINS")?.lowercased() != "yes" {
            throw ConfigError(
                "GP4U_SIMULATION",
                "is on while chains are watched (GP4U_CHAINS): made-up deposits would sit in the balances that pay "
                    + "real USDC; turn it off, or for a staging server also set GP4U_SIMULATION_WITH_CHAINS=yes "
                    + "(simulated deposits are then capped at \(SimulatedDeposit.maximumAlongsideChains) and flagged)")
        }
        let feeText = value("GP4U_PLATFORM_FEE_PCT") ?? "10"
        guard let feeMicro = try? USDC(parsing: feeText), feeMicro.micro % 10_000 == 0,
            feeMicro <= USDC(micro: 100 * USDC.scale)
        else {
            throw ConfigError(
                "GP4U_PLATFORM_FEE_PCT",
                "must be a percentage from 0 to 100 with at most 2 decimals (got \"\(feeText)\")")
        }
        let market: MarketConfiguration
        do { market = try MarketConfiguration.fromEnvironment(env) } catch {
            throw ConfigError(error.variable, error.problem)
        }
        let publicText = value("GP4U_PUBLIC_URL") ?? "http://localhost:\(port)"
        guard let publicURL = URL(string: publicText),
            ["http", "https"].contains(publicURL.scheme?.lowercased() ?? ""),
            publicURL.host?.isEmpty == false, publicURL.path.isEmpty || publicURL.path == "/", publicURL.query == nil
        else {
            throw ConfigError(
                "GP4U_PUBLIC_URL",
                "must be an http(s) URL with a host and no path, like https://gp4u.example.com (got \"\(publicText)\")")
        }
        var config = ServerConfiguration(
            host: host, port: port, dataDir: dataDir, database: database, jwtSecret: secret, logLevel: level,
            chains: chains,
            simulation: simulation, platformFee: PlatformFee(basisPoints: feeMicro.micro / 10_000), publicURL: publicURL
        )
        config.market = market
        // With real money in play the generated sample stays off unless asked for.
        if !chains.isEmpty && !market.snapshotExplicit { config.market.snapshotEnabled = false }
        config.withdrawals = try WithdrawalConfiguration.fromEnvironment(value)
        config.cors = try CORSPolicy.parse(value("GP4U_CORS_ORIGINS") ?? "")
        config.loginLimits = try LoginThrottle.Limits.fromEnvironment(value)
        config.trustedProxies = try TrustedProxies.parse(value("GP4U_TRUSTED_PROXIES") ?? "")
        config.machines = try MachineConfiguration.fromEnvironment(value)
        if let chain = chains.first(where: { $0.hotWalletKeystore != nil }), config.withdrawals.passwordFile == nil {
            throw ConfigError(
                "GP4U_HOT_WALLET_PASSWORD_FILE",
                "is required with GP4U_CHAIN_\(chain.chainID)_HOT_WALLET_KEYSTORE: a file whose first line is its password"
            )
        }
        return config
    }
}

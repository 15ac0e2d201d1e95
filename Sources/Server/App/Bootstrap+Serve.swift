import AsyncHTTPClient
import Brokerage
import ChainWatcher
import Ethereum
import Foundation
import Hummingbird
import Logging
import Payouts
import Providers
import ServiceLifecycle
import Storage

extension Bootstrap {
    /// `gp4u serve`: opens and migrates the database, prepares the secret, wires the app
    /// and runs every long-lived service in one group that shuts down gracefully on
    /// SIGINT/SIGTERM. The database pool runs around the group, so it closes only after
    /// the HTTP server has drained.
    public func serve(version: String) async throws {
        let (config, logger) = (config, logger)
        let wallets = try hotWallets()
        let checkpoint = Self.crashHook(ProcessInfo.processInfo.environment)
        try await withDatabase(.migrate) { db in
            logger.info("database ready", metadata: ["db": "\(db.displayName)"])
            let store = SQLStore(db: db)
            let accounts = AccountService(
                store: store, tokens: try await TokenService.forServer(config, logger: logger),
                throttle: LoginThrottle(attempts: store, limits: config.loginLimits))
            // One HTTP client for every provider; shut down only after the group has ended.
            var clientConfig = HTTPClient.Configuration()
            clientConfig.timeout.connect = .seconds(5)
            let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfig)
            // Chain nodes: a dead endpoint must fail fast so the pool fails over at once.
            var rpcConfig = HTTPClient.Configuration()
            rpcConfig.timeout.connect = .seconds(1)
            rpcConfig.connectionPool.retryConnectionEstablishment = false
            let rpcClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: rpcConfig)
            do {
                let feeds = MarketProviders.feeds(configuration: config.market, httpClient: httpClient, logger: logger)
                let market = MarketIndexHolder()
                // Replicas on one PostgreSQL: one polls the providers, all load its result.
                let changes = (db as? any ChangeFeed).map { MarketChanges(feed: $0, logger: logger) }
                let watchers = WatcherStatusBoard()
                let senders = SenderStatusBoard()
                let machineProviders = Self.machineProviders(config, httpClient: httpClient)
                let deps = AppDependencies(
                    store: store, accounts: accounts, version: version, simulation: config.simulation,
                    fee: config.platformFee,
                    market: market, providerHealth: ProviderHealthBoard(feeds: feeds),
                    siwe: SIWESite(
                        publicURL: config.publicURL, chainIDs: SIWESite.chainIDs(watching: config.chains.map(\.chainID))
                    ),
                    chains: config.chains, watchers: watchers, withdrawals: config.withdrawals,
                    withdrawalChains: AppDependencies.withdrawalChains(
                        config.chains, hotWallets: wallets.mapValues(\.address)),
                    senders: senders, cors: config.cors, trustedProxies: config.trustedProxies, marketChanges: changes,
                    rentingProviders: Set(machineProviders.keys))
                let app = buildApplication(deps, host: config.host, port: config.port, logger: logger)
                let lifecycle = ReservationLifecycleService(
                    store: store, fee: config.platformFee, interval: .seconds(15), clock: deps.clock, logger: logger)
                let housekeeping = HousekeepingService(
                    store: store, interval: .seconds(600), clock: deps.clock, logger: logger)
                // Syncs in the background: the snapshot (if on) is loaded first, providers are
                // called after; their failures are logged and counted, never fatal to startup.
                let machines = Self.machineServices(
                    config, providers: machineProviders, db: db, store: store, deps: deps, logger: logger)
                let sync = Self.marketServices(
                    config.market, feeds: feeds, db: db, store: store, deps: deps, changes: changes, logger: logger)
                let chainWatchers = config.chains.map { chain in
                    ChainWatch(
                        chain: chain, db: db, store: store, board: watchers, httpClient: rpcClient, logger: logger
                    ).service
                }
                let payouts = config.chains.compactMap { chain in
                    wallets[chain.chainID].map { wallet in
                        ChainPayout(
                            chain: chain, wallet: wallet, config: config.withdrawals, db: db, store: store,
                            board: senders,
                            httpClient: rpcClient, checkpoint: checkpoint, logger: logger
                        ).service
                    }
                }
                let services = ServiceGroup(
                    configuration: .init(
                        services: (chainWatchers + payouts).map { .init(service: $0) }
                            + [
                                .init(service: lifecycle), .init(service: housekeeping),
                            ] + (sync + machines).map { .init(service: $0) } + [
                                .init(service: app)
                            ],
                        gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: logger))
                logger.info(
                    "serving",
                    metadata: [
                        "http.address": "http://\(config.host):\(config.port)", "simulation": "\(config.simulation)",
                        "market.providers": "\(feeds.map(\.provider.rawValue).joined(separator: ","))",
                        "market.snapshot": "\(config.market.snapshotEnabled)",
                        "chains": "\(config.chains.map { "\($0.chainID)" }.joined(separator: ","))",
                        "payouts":
                            "\(wallets.values.map { "\($0.chainID):\($0.address.checksummed)" }.joined(separator: ","))",
                    ])
                try await services.run()
            } catch {
                try? await httpClient.shutdown()
                try? await rpcClient.shutdown()
                throw error
            }
            try await httpClient.shutdown()
            try await rpcClient.shutdown()
        }
    }
}

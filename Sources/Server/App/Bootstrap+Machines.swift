import AsyncHTTPClient
import Brokerage
import Logging
import Providers
import ServiceLifecycle
import Storage

extension Bootstrap {
    static let machinesLeaseKey: Int64 = 0x6770_3478 << 32

    /// The providers that rent machines with the platform's keys: Vast.ai when it is an
    /// enabled provider with `GP4U_VASTAI_API_KEY` (see ``MachineConfiguration``).
    static func machineProviders(_ config: ServerConfiguration, httpClient: HTTPClient) -> [String: any MachineProvider]
    {
        guard !config.simulation || config.machines.rentInSimulation, config.market.providers.contains(.vastai),
            let key = config.market.vastAPIKey
        else { return [:] }
        return [
            ProviderID.vastai.rawValue: VastMachines(
                baseURL: config.market.vastURL, apiKey: key, http: ProviderHTTP(client: httpClient))
        ]
    }

    /// The provisioning service, under a lease so that one replica rents and releases.
    static func machineServices(
        _ config: ServerConfiguration, providers: [String: any MachineProvider], db: any SQLDatabase,
        store: SQLStore, deps: AppDependencies, logger: Logger
    ) -> [any Service] {
        guard !providers.isEmpty else { return [] }
        let service = ProvisioningService(
            store: store, providers: providers, settings: config.machines.lifecycle, fee: config.platformFee,
            interval: .seconds(config.machines.interval), clock: deps.clock,
            offerWithdrawn: {
                try? await deps.rebuildMarket()
                await deps.marketChanges?.announce()
            }, marketOffers: { deps.market.current.offers }, logger: logger)
        return [
            LeasedService(
                name: "machines", key: machinesLeaseKey, db: db, retry: .seconds(config.machines.interval),
                work: { try await service.run() }, logger: logger)
        ]
    }

    /// What the upstream providers say of the platform's account, for `gp4u reconcile`:
    /// Vast's remaining credit in USD (nil when Vast is not rented from here).
    public func upstreamCredit() async throws -> [(provider: String, creditUSD: Double)] {
        guard config.market.providers.contains(.vastai), let key = config.market.vastAPIKey else { return [] }
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let vast = VastMachines(
                baseURL: config.market.vastURL, apiKey: key, http: ProviderHTTP(client: http, timeout: .seconds(10)))
            let credit = try await vast.accountCredit()
            try await http.shutdown()
            return [(ProviderID.vastai.rawValue, credit)]
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

import Brokerage
import ChainWatcher
import Foundation
import Logging
import Storage
import Timekeeping

/// What the HTTP app needs, built once by the composition root (or by a test).
public struct AppDependencies: Sendable {
    public let store: SQLStore
    public let accounts: AccountService
    public let version: String
    /// Whether simulated deposits are allowed (`GP4U_SIMULATION`).
    public let simulation: Bool
    public let fee: PlatformFee
    /// Injected so tests control time.
    public let clock: any TimeSource
    /// The market the sync service keeps current; searches read its latest index.
    public let market: MarketIndexHolder
    /// The configured providers' resilience layers, for `/api/v1/provider-health`.
    public let providerHealth: ProviderHealthBoard
    /// What Sign-In with Ethereum messages must name to link a wallet here.
    public let siwe: SIWESite
    /// Watched chains (empty in simulated mode) and their watchers' latest status.
    public let chains: [ChainConfiguration]
    public let watchers: WatcherStatusBoard
    /// Offers rendered for search pages, per index (see ``OfferJSONCache``).
    let offerJSON = OfferJSONCache()
    /// Encoded arbitrage answers for the current index (see ``MarketResponseCache``).
    let marketResponses = MarketResponseCache()

    public init(
        store: SQLStore, accounts: AccountService, version: String, simulation: Bool = true,
        fee: PlatformFee = .default,
        clock: any TimeSource = SystemTimeSource(),
        market: MarketIndexHolder = MarketIndexHolder(),
        providerHealth: ProviderHealthBoard = ProviderHealthBoard(feeds: []),
        siwe: SIWESite = SIWESite(
            publicURL: URL(string: "http://localhost:8080")!, chainIDs: SIWESite.chainIDs(watching: [])),
        chains: [ChainConfiguration] = [], watchers: WatcherStatusBoard = WatcherStatusBoard()
    ) {
        self.chains = chains
        self.watchers = watchers
        self.siwe = siwe
        self.market = market
        self.providerHealth = providerHealth
        self.store = store
        self.accounts = accounts
        self.version = version
        self.simulation = simulation
        self.fee = fee
        self.clock = clock
        market.prepareEachIndex { [offerJSON] in offerJSON.prepareIgnoringErrors($0) }
    }
}

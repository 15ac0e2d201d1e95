import Brokerage
import ChainWatcher
import Ethereum
import Foundation
import Logging
import Payouts
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
    /// Limits and approvals of withdrawals, and the chains they can be paid on.
    public let withdrawals: WithdrawalConfiguration
    public let withdrawalChains: [Int: WithdrawalChain]
    /// The withdrawal senders' latest status, per chain.
    public let senders: SenderStatusBoard
    /// Other web origins allowed to call the API from a browser (`GP4U_CORS_ORIGINS`).
    public let cors: CORSPolicy
    /// Reverse proxies whose `X-Forwarded-For` names the client (`GP4U_TRUSTED_PROXIES`).
    public let trustedProxies: TrustedProxies
    /// How replicas sharing a PostgreSQL database tell each other the market changed.
    public let marketChanges: MarketChanges?
    /// Which offers can be booked here, and which link out to their provider.
    public let booking: BookingChannel
    /// Offers rendered for search pages, per index (see ``OfferJSONCache``).
    let offerJSON: OfferJSONCache
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
        chains: [ChainConfiguration] = [], watchers: WatcherStatusBoard = WatcherStatusBoard(),
        withdrawals: WithdrawalConfiguration = WithdrawalConfiguration(),
        withdrawalChains: [Int: WithdrawalChain]? = nil, senders: SenderStatusBoard = SenderStatusBoard(),
        cors: CORSPolicy = .off, trustedProxies: TrustedProxies = .none, marketChanges: MarketChanges? = nil,
        rentingProviders: Set<String> = []
    ) {
        booking = BookingChannel(
            renting: Set(rentingProviders.compactMap(ProviderID.init(rawValue:))), simulatedMoney: chains.isEmpty)
        offerJSON = OfferJSONCache(booking: booking)
        self.marketChanges = marketChanges
        self.cors = cors
        self.trustedProxies = trustedProxies
        self.chains = chains
        self.withdrawals = withdrawals
        self.withdrawalChains = withdrawalChains ?? Self.withdrawalChains(chains, hotWallets: [:])
        self.senders = senders
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

    /// Where withdrawals can be paid: each watched chain with a hot wallet; with no chain
    /// watched (simulated mode), every known chain, settled against the simulator.
    public static func withdrawalChains(_ chains: [ChainConfiguration], hotWallets: [Int: Address])
        -> [Int: WithdrawalChain]
    {
        guard !chains.isEmpty else {
            return Dictionary(
                uniqueKeysWithValues: Chain.known.compactMap { chain in
                    (try? Address(parsing: chain.usdc)).map {
                        (chain.id, WithdrawalChain(chainID: chain.id, token: $0, ownAddresses: [], simulated: true))
                    }
                })
        }
        var out: [Int: WithdrawalChain] = [:]
        for chain in chains {
            guard let hot = hotWallets[chain.chainID] else { continue }
            out[chain.chainID] = WithdrawalChain(
                chainID: chain.chainID, token: chain.usdc, ownAddresses: [hot, chain.depositAddress], simulated: false)
        }
        return out
    }
}

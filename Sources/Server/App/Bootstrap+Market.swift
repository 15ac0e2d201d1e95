import Brokerage
import Logging
import Providers
import ServiceLifecycle
import Storage

extension Bootstrap {
    static let marketLeaseKey: Int64 = 0x6770_3477 << 32

    /// The market's services. On SQLite, one process: it syncs. On PostgreSQL, the replica
    /// holding the market lease polls the providers and announces each index it builds;
    /// every replica follows the announcements and loads the market from the database,
    /// so N replicas make one provider's worth of calls, not N.
    static func marketServices(
        _ config: MarketConfiguration, feeds: [ProviderFeed], db: any SQLDatabase, store: SQLStore,
        deps: AppDependencies, changes: MarketChanges?, logger: Logger
    ) -> [any Service] {
        @Sendable func sync(published: @escaping @Sendable () async -> Void = {}) -> MarketSyncService {
            MarketSyncService(
                feeds: feeds, store: store, index: deps.market, interval: config.syncInterval,
                snapshotEnabled: config.snapshotEnabled, logger: logger, published: published,
                afterRound: { ProcessFigures.releaseFreeMemory() })
        }
        guard let changes else { return [sync()] }
        return [
            LeasedService(
                name: "market-sync", key: marketLeaseKey, db: db, retry: .seconds(5),
                work: { try await sync(published: { await changes.announce() }).run() }, logger: logger),
            MarketFollower(deps: deps, changes: changes, retry: .seconds(2), logger: logger),
        ]
    }
}

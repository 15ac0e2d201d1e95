import Brokerage
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import Timekeeping

/// Keeps the market current: every interval it fetches all providers concurrently through
/// their resilience layers, hands each provider's offers to the ``OfferStore`` (which marks
/// vanished offers unavailable), merges a price summary into the hour's point per model
/// and provider (folding old history once an hour), and
/// swaps a freshly built ``MarketIndex`` (search + precomputed arbitrage) into the holder.
///
/// A swift-service-lifecycle `Service`: add it to the server's service group. Provider and
/// store errors are logged and counted, never thrown out of `run()`; graceful shutdown
/// ends the loop. With the snapshot enabled, the bundled offers are loaded first so the
/// market answers before (and without) any provider. `afterRound` runs at the end of
/// every round: the server hands the round's freed memory back to the system there (a
/// round frees hundreds of megabytes, which glibc's arenas otherwise keep: RSS grew by
/// about 50 MB a round at 100,000 offers while the heap in use stayed flat).
public final class MarketSyncService: Service, Sendable {
    public let feeds: [ProviderFeed]
    public let store: any OfferStore
    public let index: MarketIndexHolder
    public let interval: Duration
    public let snapshotEnabled: Bool
    private let clock: any TimeSource
    private let logger: Logger
    /// Called after each index this service publishes (other replicas are told to load it).
    private let published: @Sendable () async -> Void
    private let afterRound: @Sendable () -> Void
    private let syncs = Counter(label: "gp4u_market_syncs_total")
    private let syncErrors = Counter(label: "gp4u_market_sync_errors_total")
    private let indexedOffers = Gauge(label: "gp4u_market_indexed_offers")
    /// The hour the price history was last folded in (folding once an hour is enough).
    private let foldedHour = Mutex<Date?>(nil)
    /// A whole round: fetching, storing what changed and rebuilding the index.
    private let duration = Metrics.Timer(label: "gp4u_market_sync_duration_seconds", preferredDisplayUnit: .seconds)

    public init(
        feeds: [ProviderFeed], store: any OfferStore, index: MarketIndexHolder, interval: Duration = .seconds(30),
        snapshotEnabled: Bool = true, clock: any TimeSource = SystemTimeSource(),
        logger: Logger = Logger(label: "gp4u.market"), published: @escaping @Sendable () async -> Void = {},
        afterRound: @escaping @Sendable () -> Void = {}
    ) {
        self.published = published
        self.feeds = feeds
        self.store = store
        self.index = index
        self.interval = interval
        self.snapshotEnabled = snapshotEnabled
        self.clock = clock
        self.logger = logger
        self.afterRound = afterRound
    }

    public func run() async throws {
        await prepare()
        for try await _ in Ticks(every: interval, clock: clock).cancelOnGracefulShutdown() {
            // A round in flight (retries, backoff, slow providers) is cancelled on shutdown
            // so SIGTERM never waits for an unreachable provider.
            _ = await cancelWhenGracefulShutdown { await self.syncOnce() }
        }
        logger.info("market sync stopped")
    }

    /// Loads the bundled snapshot for providers the store has nothing from (if enabled)
    /// and builds the first index from the store.
    public func prepare() async {
        do {
            if snapshotEnabled {
                let existing = Set(try await store.allOffers().map(\.provider))
                let snapshot = MarketSnapshot.offers()
                for provider in ProviderID.upstream where !existing.contains(provider) {
                    let mine = snapshot.filter { $0.provider == provider }
                    if !mine.isEmpty {
                        _ = try await store.replaceOffers(from: provider, with: mine, at: MarketSnapshot.captureDate)
                    }
                }
            }
            try await rebuildIndex()
            afterRound()
        } catch {
            syncErrors.increment()
            logger.warning(
                "market store unavailable while preparing",
                metadata: ["market.error": "\(String(describing: type(of: error)))"])
        }
    }

    /// One sync round; returns what happened per provider (also used by tests and the
    /// health-check endpoint).
    @discardableResult
    public func syncOnce() async -> SyncReport {
        let started = clock.now
        let began = ContinuousClock.now
        defer { duration.recordNanoseconds((ContinuousClock.now - began).wholeNanoseconds) }
        var report = SyncReport(at: started)
        let results = await withTaskGroup(of: (ProviderID, Result<Fetched<[Offer]>, MarketFetchError>).self) { group in
            for feed in feeds {
                group.addTask {
                    do throws(MarketFetchError) { return (feed.provider, .success(try await feed.fetch())) } catch {
                        return (feed.provider, .failure(error))
                    }
                }
            }
            var all: [(ProviderID, Result<Fetched<[Offer]>, MarketFetchError>)] = []
            for await r in group { all.append(r) }
            return all.sorted { $0.0 < $1.0 }
        }
        var live: [Offer] = []
        for (provider, result) in results {
            switch result {
            case .success(let fetched):
                do {
                    let change = try await store.replaceOffers(
                        from: provider, with: fetched.value, at: fetched.fetchedAt)
                    report.providers[provider] = .updated(
                        offers: fetched.value.count, stale: fetched.stale, change: change)
                    report.coverage[provider] = feeds.first { $0.provider == provider }?.coverage.latest
                    live += fetched.value
                    logger.debug(
                        "provider synced",
                        metadata: [
                            "provider": "\(provider)", "market.offers": "\(fetched.value.count)",
                            "market.stale": "\(fetched.stale)",
                            "market.inserted": "\(change.inserted)", "market.updated": "\(change.updated)",
                            "market.unchanged": "\(change.unchanged)",
                            "market.unavailable": "\(change.markedUnavailable)",
                        ])
                } catch {
                    syncErrors.increment()
                    report.providers[provider] = .storeFailed
                    logger.warning(
                        "could not store offers",
                        metadata: ["provider": "\(provider)", "market.error": "\(String(describing: type(of: error)))"])
                }
            case .failure(let error):
                syncErrors.increment()
                report.providers[provider] = .unavailable(error.description)
                logger.warning(
                    "provider unavailable", metadata: ["provider": "\(provider)", "market.error": "\(error)"])
            }
        }
        do {
            let fresh = live.filter { !$0.stale && $0.source == .live }
            if !fresh.isEmpty { try await store.recordPriceHistory(PriceHistoryPoint.summarize(fresh, at: started)) }
            if foldDue(at: started) { _ = try await store.foldPriceHistory(now: started) }
            try await rebuildIndex()
        } catch {
            syncErrors.increment()
            logger.warning(
                "could not rebuild the market index",
                metadata: ["market.error": "\(String(describing: type(of: error)))"])
        }
        syncs.increment()
        afterRound()
        return report
    }

    /// True once per hour: the first sync of each hour folds old price history.
    private func foldDue(at time: Date) -> Bool {
        let hour = PriceInterval.hour.start(of: time)
        return foldedHour.withLock { last in
            guard last != hour else { return false }
            last = hour
            return true
        }
    }

    private func rebuildIndex() async throws {
        let ticket = index.ticket()
        let offers = try await store.allOffers()
        let delivery = try await store.providerDelivery(since: clock.epochSeconds - ProviderDelivery.window)
        let built = MarketIndex(offers: offers, builtAt: clock.now, delivery: delivery)
        index.replace(with: built, ticket: ticket)
        indexedOffers.record(built.offers.count)
        await published()
    }
}

/// What one sync round did, per provider.
public struct SyncReport: Sendable {
    public enum Outcome: Sendable, Equatable {
        case updated(offers: Int, stale: Bool, change: OfferReplacement)
        /// Nothing fetched and nothing cached; the provider's previous offers stay as they were.
        case unavailable(String)
        case storeFailed
    }

    public var at: Date
    public var providers: [ProviderID: Outcome] = [:]
    /// Per provider that answered: offers seen, queries, full answers (each split
    /// further), whether the walk covered the whole market, and skips by reason. A
    /// provider served from its cache shows the coverage of the fetch that filled it.
    public var coverage: [ProviderID: ProviderCoverage] = [:]
}

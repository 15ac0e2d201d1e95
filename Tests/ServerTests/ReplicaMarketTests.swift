import Brokerage
import Ethereum
import Foundation
import Logging
import Providers
import ServiceLifecycle
import Storage
import Synchronization
import TestSupport
import Testing
import Timekeeping

@testable import Server

/// Counts the rounds it was asked for; answers one offer.
private final class CountingSource: OfferSource, Sendable {
    let provider: ProviderID = .vastai
    let calls = Atomic(0)

    func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        calls.add(1, ordering: .relaxed)
        let m = GPUModel.lookup("RTX 4090")!
        return [
            Offer(
                provider: .vastai, externalID: "7", model: m, providerModelName: m.name, gpuCount: 1, vramGB: 24,
                pricePerHour: USDC(micro: 1_900_000), location: OfferLocation(region: "Texas", country: "US"),
                available: true, reliability: 0.99, lastSynced: MarketSnapshot.captureDate, priceKind: .firm)
        ]
    }
}

/// Replicas sharing one PostgreSQL database (issue 18): one polls the providers, every
/// one sees each market change at once. PostgreSQL only: SQLite serves one process.
@Suite("Replicas share the market")
struct ReplicaMarketTests {
    static let postgres = Backend.available.filter { $0 == .postgres }

    /// Waits up to 10 s for `condition`.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Another replica on `a`'s database: its own market index, its own change feed name.
    static func secondReplica(beside a: AppDependencies) throws -> (MarketChanges, AppDependencies) {
        let changes = try #require(a.marketChanges)
        let b = AppDependencies(
            store: a.store, accounts: a.accounts, version: "test",
            marketChanges: MarketChanges(feed: changes.feed, replica: "b", logger: Logger(label: "b")))
        return (changes, b)
    }

    @Test("a listing made on one replica is in another's search at once, without a sync", arguments: postgres)
    func listingReachesEveryReplica(backend: Backend) async throws {
        try await TestApp.with(backend, replica: "a") { client, a in
            let (changes, b) = try Self.secondReplica(beside: a)
            let follower = MarketFollower(
                deps: b, changes: try #require(b.marketChanges), retry: .milliseconds(100), logger: Logger(label: "b"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await follower.run() }
                // Until b listens, announcements are lost: say it until b has loaded once.
                _ = try await a.store.replaceOffers(
                    from: .vastai, with: try await CountingSource().fetchOffers(pacer: RequestPacer {}),
                    at: MarketSnapshot.captureDate)
                let listening = try await Self.eventually {
                    await changes.announce()
                    return b.market.current.offers.count == 1
                }
                #expect(listening)
                let owner = try await ProviderRoutesTests.provider(client, "owner@example.com")
                let created = try await client.send(
                    .post, "/api/v1/provider/gpus",
                    json: #"{"model":"RTX 4090","price_per_hour":"1.50","location":"Oslo, NO"}"#, token: owner)
                let id = try #require(try created.json()["id"] as? String)
                let seen = try await Self.eventually { b.market.current.offers.contains { $0.id == id } }
                #expect(seen)
                group.cancelAll()
            }
        }
    }

    @Test("two replicas' market services: one polls the provider, the other only loads", arguments: postgres)
    func onePoller(backend: Backend) async throws {
        try await TestApp.with(backend, replica: "a") { _, a in
            let (changes, b) = try Self.secondReplica(beside: a)
            let sources = [CountingSource(), CountingSource()]
            var config = MarketConfiguration()
            config.syncInterval = .milliseconds(200)
            config.snapshotEnabled = false
            let db = try #require(changes.feed as? any SQLDatabase)
            let services = zip([a, b], sources).flatMap { deps, source in
                Bootstrap.marketServices(
                    config,
                    feeds: [ProviderFeed(source: source, fetcher: ResilientFetcher<[Offer]>(provider: .vastai))],
                    db: db, store: deps.store, deps: deps, changes: deps.marketChanges, logger: Logger(label: "sync"))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for service in services { group.addTask { try await service.run() } }
                let synced = try await Self.eventually {
                    a.market.current.offers.count == 1 && b.market.current.offers.count == 1
                }
                // Both replicas' services ran a while: a second poller would have called by now.
                try await Task.sleep(for: .seconds(1))
                #expect(
                    synced,
                    "offers a \(a.market.current.offers.count), b \(b.market.current.offers.count); calls \(sources.map { $0.calls.load(ordering: .relaxed) })"
                )
                group.cancelAll()
            }
            let calls = sources.map { $0.calls.load(ordering: .relaxed) }
            #expect(calls.filter { $0 > 0 }.count == 1, "calls per replica: \(calls)")
        }
    }
}

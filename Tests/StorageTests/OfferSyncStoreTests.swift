import Brokerage
import Ethereum
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Storage

/// The market sync beside everything else: it writes only what changed, in short
/// transactions, and reads never queue behind it.
@Suite("Offer sync and concurrent reads")
struct OfferSyncStoreTests {
    @Test("a read completes while a write transaction is held open", arguments: Backend.available)
    func readDuringWrite(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            _ = try await store.replaceOffers(from: .vastai, with: [try Self.offer("1")], at: Self.t0)
            let (entered, inside) = AsyncStream.makeStream(of: Void.self)
            let (released, release) = AsyncStream.makeStream(of: Void.self)
            let committed = Flag()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await db.transaction { tx in
                        try await SQLStore.upsert(try Self.offer("2"), at: 1, in: tx)
                        inside.yield()
                        for await _ in released { break }
                    }
                    committed.set()
                }
                group.addTask {
                    // A safety valve: a read that queues behind the writer comes back only
                    // once the transaction ends, and the test then fails instead of hanging.
                    if (try? await Task.sleep(for: .seconds(30))) != nil { release.yield() }
                }
                for await _ in entered { break }
                let read = try await store.allOffers().map(\.id)
                #expect(!committed.isSet, "the read came back while the transaction was open")
                #expect(read == ["vastai-1"], "a read sees the last commit, not the open transaction")
                release.yield()
                try await group.next()
                group.cancelAll()
            }
            #expect(try await store.allOffers().map(\.id) == ["vastai-1", "vastai-2"])
        }
    }

    @Test("the sync writes new, changed and vanished offers and leaves unchanged ones", arguments: Backend.available)
    func writesOnlyChanges(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let first = try await store.replaceOffers(
                from: .vastai, with: [try Self.offer("1"), try Self.offer("2"), try Self.offer("3")], at: Self.t0)
            #expect(first == OfferReplacement(inserted: 3, updated: 0, markedUnavailable: 0))
            let later = Self.t0.addingTimeInterval(30)
            let second = try await store.replaceOffers(
                from: .vastai,
                with: [
                    try Self.offer("1", at: later), try Self.offer("2", price: "3.10", at: later),
                    try Self.offer("4", at: later),
                ],
                at: later)
            #expect(second == OfferReplacement(inserted: 1, updated: 1, markedUnavailable: 1, unchanged: 1))
            let stamps = try await db.query("SELECT id, updated_at FROM offers ORDER BY id").map {
                try ($0.string("id"), $0.int("updated_at"))
            }
            let t0 = Int64(Self.t0.timeIntervalSince1970)
            let t1 = Int64(later.timeIntervalSince1970)
            #expect(stamps.map(\.0) == ["vastai-1", "vastai-2", "vastai-3", "vastai-4"])
            #expect(stamps.map(\.1) == [t0, t1, t1, t1], "the unchanged offer's row was not written again")
            let all = Dictionary(uniqueKeysWithValues: try await store.allOffers().map { ($0.id, $0) })
            #expect(all["vastai-1"] == (try Self.offer("1", at: later)), "an unchanged offer reads as sent")
            #expect(all["vastai-2"]?.pricePerHour == (try USDC(parsing: "3.10")))
            #expect(all["vastai-3"]?.available == false)
            #expect(all["vastai-3"]?.lastSynced == Self.t0, "a vanished offer keeps the time it was last seen")
            #expect(try await store.offer(id: "vastai-1")?.lastSynced == later)
            let third = try await store.replaceOffers(
                from: .vastai, with: [try Self.offer("3", at: later)], at: later)
            #expect(third == OfferReplacement(inserted: 0, updated: 1, markedUnavailable: 3))
            // Sent unchanged in the second round (its row still says t0), gone in the third.
            #expect(
                try await store.offer(id: "vastai-1")?.lastSynced == later,
                "an unchanged offer that vanishes was last seen in the round before")
        }
    }

    @Test(
        "a replacement larger than a write batch and a read page stores and reads every offer; a repeat writes none",
        arguments: Backend.available)
    func largeReplacement(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let count = SQLStore.offerPage + 17  // several write batches, and two pages to read
            let offers = try (1...count).map { try Self.offer("\($0)") }
            let first = try await store.replaceOffers(from: .vastai, with: offers, at: Self.t0)
            #expect(first == OfferReplacement(inserted: count, updated: 0, markedUnavailable: 0))
            let read = try await store.allOffers().map(\.id)
            #expect(read.count == count && Set(read).count == count, "every offer read once, across pages")
            let again = try await store.replaceOffers(from: .vastai, with: offers, at: Self.t0.addingTimeInterval(30))
            #expect(again == OfferReplacement(inserted: 0, updated: 0, markedUnavailable: 0, unchanged: count))
            let gone = try await store.replaceOffers(from: .vastai, with: [], at: Self.t0.addingTimeInterval(60))
            #expect(gone.markedUnavailable == count)
            #expect(try await store.allOffers().filter(\.available).isEmpty)
        }
    }

    @Test("only a lone SELECT goes to a reader")
    func readClassifier() {
        for sql in ["SELECT 1", "  select * FROM offers", "\n\tSelect\nid FROM x", "SELECT"] {
            #expect(SQLiteDatabase.isRead(sql), "\(sql)")
        }
        for sql in [
            "INSERT INTO x VALUES (1)", "WITH a AS (SELECT 1) DELETE FROM x", "PRAGMA foo", "selected", "BEGIN",
        ] {
            #expect(!SQLiteDatabase.isRead(sql), "\(sql)")
        }
    }

    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    static func offer(_ id: String, price: String = "2.50", at time: Date = t0) throws -> Offer {
        Offer(
            provider: .vastai, externalID: id, model: try #require(GPUModel.lookup("RTX 4090")),
            providerModelName: "RTX 4090", gpuCount: 1, vramGB: 24, pricePerHour: try USDC(parsing: price),
            location: OfferLocation(region: "Test", country: "US"), available: true, reliability: 0.99,
            lastSynced: time, priceKind: .firm)
    }
}

/// Set once, read from any task.
private final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

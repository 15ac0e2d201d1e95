import Brokerage
import Ethereum
import Foundation
import TestSupport
import Testing

@testable import Storage

/// Bookings and their money on both databases.
@Suite("Reservation store")
struct ReservationStoreTests {
    static let hour: Int64 = 3600
    static let now: Int64 = 1_800_000_000 - 1_800_000_000 % 3600  // on the hour
    static let fee = PlatformFee.default

    @Test("booking holds hours × price; the hold shows in the balances", arguments: Backend.available)
    func bookHolds(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "100"])
            let r = try await store.book(
                id: "r1", userID: "u1", gpuID: "vastai-1", start: Self.now + 48 * Self.hour,
                end: Self.now + 52 * Self.hour, now: Self.now)
            #expect(r.totalCost == USDC(micro: 4 * 2_500_000))
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 90_000_000))
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 10_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("short funds: 402-style error and nothing written", arguments: Backend.available)
    func insufficientFunds(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "5"])
            await #expect(throws: LedgerError.insufficientFunds(account: "available:u1")) {
                try await store.book(
                    id: "r1", userID: "u1", gpuID: "vastai-1", start: Self.now + Self.hour,
                    end: Self.now + 4 * Self.hour, now: Self.now)
            }
            #expect(try await store.reservation(id: "r1") == nil)
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 5_000_000))
        }
    }

    @Test(
        "a booking on terms the offer no longer has writes nothing; a fresh booking gets the new price",
        arguments: Backend.available)
    func staleTerms(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "100"])
            let terms = try await store.bookingTerms(gpuID: "vastai-1")
            #expect(terms.pricePerHour == USDC(micro: 2_500_000))
            let start = Self.now + 48 * Self.hour
            func book(_ id: String, on terms: BookingTerms) async throws -> Reservation? {
                let decision = try ReservationLifecycle.book(
                    id: id, userID: "u1", gpuID: "vastai-1", start: start, end: start + 2 * Self.hour, terms: terms,
                    now: Self.now)
                return try await store.write(booking: decision, terms: terms) ? decision.reservation : nil
            }
            var repriced = terms
            repriced.pricePerHour = USDC(micro: 1)
            var otherProvider = terms
            otherProvider.provider = "akash"
            for stale in [repriced, otherProvider] {
                #expect(try await book("r-stale", on: stale) == nil)
            }
            try await db.query("UPDATE offers SET available = $1 WHERE id = 'vastai-1'", [.bool(false)])
            #expect(try await book("r-stale", on: terms) == nil)
            #expect(try await store.reservation(id: "r-stale") == nil)
            #expect(try await store.balance(of: .held(user: "u1")) == .zero)
            await #expect(throws: ReservationError.gpuUnavailable) {
                try await store.book(
                    id: "r-off", userID: "u1", gpuID: "vastai-1", start: start, end: start + Self.hour, now: Self.now)
            }

            try await db.query(
                "UPDATE offers SET available = $1, price_per_hour = 3000000 WHERE id = 'vastai-1'", [.bool(true)])
            let r = try await store.book(
                id: "r1", userID: "u1", gpuID: "vastai-1", start: start, end: start + 2 * Self.hour, now: Self.now)
            #expect(r.totalCost == USDC(micro: 6_000_000))
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 6_000_000))
            // The terms remembered from r1 are stale after a repricing: the next booking reads them again.
            try await db.query("UPDATE offers SET price_per_hour = 3500000 WHERE id = 'vastai-1'")
            let r2 = try await store.book(
                id: "r2", userID: "u1", gpuID: "vastai-1", start: start + 2 * Self.hour, end: start + 3 * Self.hour,
                now: Self.now)
            #expect(r2.pricePerHour == USDC(micro: 3_500_000))
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 9_500_000))
            try await db.query("UPDATE offers SET available = $1 WHERE id = 'vastai-1'", [.bool(false)])
            await #expect(throws: ReservationError.gpuUnavailable) {
                try await store.book(
                    id: "r3", userID: "u1", gpuID: "vastai-1", start: start + 5 * Self.hour, end: start + 6 * Self.hour,
                    now: Self.now)
            }
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "500 concurrent conflicting bookings: exactly one wins, no money moves for the rest",
        arguments: Backend.available)
    func concurrentConflicts(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            var users: [String: String] = [:]
            for i in 0..<500 { users["u\(i)"] = "50" }
            let store = try await Self.seeded(db, users: users)
            let results = try await withThrowingTaskGroup(of: (user: Int, won: Bool).self) { group in
                for i in 0..<500 {
                    group.addTask {
                        // Every request overlaps every other: they all cover hour 10.
                        let start = Self.now + Int64(8 + i % 3) * Self.hour
                        do {
                            _ = try await store.book(
                                id: "r\(i)", userID: "u\(i)", gpuID: "vastai-1", start: start,
                                end: start + 3 * Self.hour, now: Self.now)
                            return (i, true)
                        } catch ReservationError.slotTaken {
                            return (i, false)
                        }
                    }
                }
                return try await group.reduce(into: [(user: Int, won: Bool)]()) { $0.append($1) }
            }
            #expect(results.count == 500)
            #expect(results.filter(\.won).count == 1)
            let winner = try #require(results.first(where: \.won)?.user)
            for i in 0..<500 where i != winner {
                #expect(try await store.balance(of: .held(user: "u\(i)")) == .zero)
            }
            #expect(try await store.balance(of: .held(user: "u\(winner)")) == USDC(micro: 7_500_000))
            #expect(try await store.bookings(gpuID: "vastai-1", from: 0, to: .max).count == 1)
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("the database itself refuses an overlapping live booking", arguments: Backend.available)
    func databaseGuardsOverlap(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "100"])
            _ = try await store.book(
                id: "r1", userID: "u1", gpuID: "vastai-1", start: Self.now + 5 * Self.hour,
                end: Self.now + 8 * Self.hour, now: Self.now)
            await #expect(throws: StorageError.self) {
                try await db.query(
                    """
                    INSERT INTO reservations (id, user_id, gpu_id, start_ts, end_ts, price_per_hour, total_cost, status, refunded, payee, created_at, updated_at)
                    VALUES ('sneaky', 'u1', 'vastai-1', $1, $2, 0, 0, 'confirmed', 0, 'revenue:platform', 0, 0)
                    """, [.int(Self.now + 7 * Self.hour), .int(Self.now + 9 * Self.hour)])
            }
            // Back-to-back is fine: the end hour is exclusive.
            _ = try await store.book(
                id: "r2", userID: "u1", gpuID: "vastai-1", start: Self.now + 8 * Self.hour,
                end: Self.now + 9 * Self.hour, now: Self.now)
        }
    }

    @Test(
        "the overlap check reads only live bookings, on an index that holds no past ones", arguments: Backend.available)
    func overlapCheckSkipsHistory(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            _ = try await Self.seeded(db, users: ["u1": "100"])
            let binds: [SQLValue] = [.text("vastai-1"), .int(Self.now), .int(Self.now + Self.hour), .text("")]
            let plan: [String]
            if backend == .postgres {
                // Tiny tables read sequentially; the question is which index serves when one does.
                plan = try await db.transaction { tx in
                    try await tx.query("SET LOCAL enable_seqscan = off")
                    return try await tx.query("EXPLAIN " + SQLStore.clashQuery, binds).map {
                        try $0.string("QUERY PLAN")
                    }
                }
            } else {
                plan = try await db.query("EXPLAIN QUERY PLAN " + SQLStore.clashQuery, binds).map {
                    try $0.string("detail")
                }
            }
            // Both indexes are partial on the live statuses: the overlap guard's own
            // (PostgreSQL) or the live-bookings one, never the index of every booking.
            #expect(
                plan.contains { $0.contains("reservations_gpu_live") || $0.contains("reservations_no_overlap") },
                "\(plan)")
        }
    }

    @Test(
        "cancellation refunds by the stated policy",
        arguments: Backend.available.flatMap { b in
            [(b, 48, 10_000_000), (b, 24, 10_000_000), (b, 23, 5_000_000), (b, 1, 5_000_000)]
        })
    func cancellationPolicy(backend: Backend, hoursBefore: Int64, refund: Int64) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "100"])
            let start = Self.now + 100 * Self.hour
            _ = try await store.book(
                id: "r1", userID: "u1", gpuID: "vastai-1", start: start, end: start + 4 * Self.hour, now: Self.now)
            let cancelled = try await store.cancel(
                id: "r1", userID: "u1", now: start - hoursBefore * Self.hour, fee: Self.fee)
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.refunded == USDC(micro: refund))
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 90_000_000 + refund))
            #expect(try await store.balance(of: .held(user: "u1")) == .zero)
            let retained = 10_000_000 - refund
            #expect(try await store.balance(of: .revenue) == USDC(micro: retained / 10))
            #expect(
                try await store.balance(of: .earnings(user: "upstream:vastai")) == USDC(micro: retained - retained / 10)
            )
            // Cancelling frees the hours.
            _ = try await store.book(
                id: "r2", userID: "u1", gpuID: "vastai-1", start: start, end: start + Self.hour, now: Self.now)
            await #expect(throws: ReservationError.notAllowed("a cancelled reservation cannot be cancelled")) {
                try await store.cancel(id: "r1", userID: "u1", now: Self.now, fee: Self.fee)
            }
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "lifecycle: confirmed → active (captured) → completed, and cancel after start refunds nothing",
        arguments: Backend.available)
    func lifecycle(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "100"])
            let start = Self.now + 2 * Self.hour
            _ = try await store.book(
                id: "r1", userID: "u1", gpuID: "vastai-1", start: start, end: start + 2 * Self.hour, now: Self.now)
            _ = try await store.book(
                id: "r2", userID: "u1", gpuID: "vastai-1", start: start + 2 * Self.hour, end: start + 4 * Self.hour,
                now: Self.now)
            #expect(try await store.advanceLifecycle(now: start - 1, fee: Self.fee, limit: 10) == (0, 0))
            #expect(try await store.advanceLifecycle(now: start, fee: Self.fee, limit: 10) == (1, 0))
            #expect(try await store.reservation(id: "r1")?.status == .active)
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 5_000_000))
            #expect(try await store.balance(of: .revenue) == USDC(micro: 500_000))
            #expect(try await store.advanceLifecycle(now: start + 2 * Self.hour, fee: Self.fee, limit: 10) == (1, 1))
            #expect(try await store.reservation(id: "r1")?.status == .completed)
            let late = try await store.cancel(id: "r2", userID: "u1", now: start + 3 * Self.hour, fee: Self.fee)
            #expect(late.refunded == .zero)
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 90_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("extend checks conflicts and funds", arguments: Backend.available)
    func extend(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "20", "u2": "100"])
            let start = Self.now + 10 * Self.hour
            _ = try await store.book(
                id: "r1", userID: "u1", gpuID: "vastai-1", start: start, end: start + 2 * Self.hour, now: Self.now)
            _ = try await store.book(
                id: "r2", userID: "u2", gpuID: "vastai-1", start: start + 5 * Self.hour, end: start + 6 * Self.hour,
                now: Self.now)
            let longer = try await store.extend(
                id: "r1", userID: "u1", newEnd: start + 4 * Self.hour, now: Self.now, fee: Self.fee)
            #expect(longer.totalCost == USDC(micro: 10_000_000))
            await #expect(throws: ReservationError.slotTaken) {
                try await store.extend(
                    id: "r1", userID: "u1", newEnd: start + 6 * Self.hour, now: Self.now, fee: Self.fee)
            }
            await #expect(throws: LedgerError.insufficientFunds(account: "available:u1")) {
                _ = try await store.cancel(id: "r2", userID: "u2", now: Self.now, fee: Self.fee)
                return try await store.extend(
                    id: "r1", userID: "u1", newEnd: start + 12 * Self.hour, now: Self.now, fee: Self.fee)
            }
            await #expect(throws: ReservationError.notFound) {
                try await store.extend(
                    id: "r1", userID: "u2", newEnd: start + 5 * Self.hour, now: Self.now, fee: Self.fee)
            }
            #expect(try await store.reservation(id: "r1")?.end == start + 4 * Self.hour)
            try await LedgerAssertions.assertSound(store)
        }
    }

    // MARK: - Helpers

    /// One $2.50/h offer `vastai-1`, and users funded by simulated deposits.
    static func seeded(_ db: any SQLDatabase, users: [String: String]) async throws -> SQLStore {
        let store = SQLStore(db: db)
        let model = try #require(GPUModel.lookup("RTX 4090"))
        let offer = Offer(
            provider: .vastai, externalID: "1", model: model, providerModelName: "RTX 4090", gpuCount: 1, vramGB: 24,
            pricePerHour: try USDC(parsing: "2.5"), location: OfferLocation(region: "Test", country: "US"),
            available: true,
            reliability: 0.99, lastSynced: Date(timeIntervalSince1970: TimeInterval(now)), priceKind: .firm)
        _ = try await store.replaceOffers(
            from: .vastai, with: [offer], at: Date(timeIntervalSince1970: TimeInterval(now)))
        for (user, amount) in users {
            _ = try await store.createUser(
                User(
                    id: user, email: try Email("\(user)@example.com"), passwordHash: "x", role: .renter, createdAt: now)
            )
            try await store.post(
                try .transfer(
                    id: "dep-\(user)", kind: .simulatedDeposit, amount: try USDC(parsing: amount), from: .simulator,
                    to: .available(user: user), createdAt: now))
        }
        return store
    }

}

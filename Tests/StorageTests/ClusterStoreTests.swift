import Brokerage
import Ethereum
import Foundation
import Storage
import TestSupport
import Testing

/// Clusters, provider listings and their money on both databases. The market here is two
/// RTX 4090s (perf 100 each): `vastai-1` at 2.50/h and the listing `gp4u-l1` at 2.00/h,
/// owned by provider `p1`.
@Suite("Cluster and listing store")
struct ClusterStoreTests {
    static let hour: Int64 = 3600
    static let now: Int64 = 1_800_000_000 - 1_800_000_000 % 3600
    static let listingID = GPUListing.offerID(uuid: "l1")

    @Test("a cluster holds its cost in one move and books every member's hours", arguments: Backend.available)
    func createHoldsAndBooks(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, deposit: "20")
            // 400 perf-hours by 2 hours needs both GPUs: 2 × (2.50 + 2.00) = 9.00.
            let c = try await store.createCluster(
                id: "c1", userID: "u1", plan: try await Self.plan(store, intensity: 400, deadline: 2),
                start: Self.now + Self.hour, now: Self.now)
            #expect(c.totalCost == USDC(micro: 9_000_000) && c.hours == 2 && c.status == .held)
            #expect(Set(c.members.map(\.gpuID)) == ["vastai-1", Self.listingID])
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 11_000_000))
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 9_000_000))
            #expect(try await store.cluster(id: "c1") == c)
            for gpu in ["vastai-1", Self.listingID] {
                let booked = try await store.bookings(gpuID: gpu, from: Self.now, to: Self.now + 10 * Self.hour)
                #expect(
                    booked.map(\.start) == [Self.now + Self.hour] && booked.map(\.end) == [Self.now + 3 * Self.hour])
            }
            // Ordinary bookings cannot take those hours, and do not see or move the cluster's rows.
            await #expect(throws: ReservationError.slotTaken) {
                try await store.book(
                    id: "r1", userID: "u1", gpuID: "vastai-1", start: Self.now + 2 * Self.hour,
                    end: Self.now + 4 * Self.hour, now: Self.now)
            }
            #expect(try await store.reservations(userID: "u1", after: nil, limit: 10).isEmpty)
            await #expect(throws: ReservationError.self) {
                try await store.cancel(id: "c1-0", userID: "u1", now: Self.now, fee: .default)
            }
            let moved = try await store.advanceLifecycle(now: Self.now + 5 * Self.hour, fee: .default, limit: 100)
            #expect(moved.started == 0 && moved.completed == 0)
            #expect(
                try await store.bookedGPUs(from: Self.now, to: Self.now + 2 * Self.hour) == [
                    "vastai-1", Self.listingID,
                ])
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("short funds or a taken slot: refused with nothing written", arguments: Backend.available)
    func refusals(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, deposit: "8.99")
            let plan = try await Self.plan(store, intensity: 400, deadline: 2)
            await #expect(throws: LedgerError.insufficientFunds(account: "available:u1")) {
                try await store.createCluster(
                    id: "c1", userID: "u1", plan: plan, start: Self.now + Self.hour, now: Self.now)
            }
            _ = try await store.book(
                id: "r1", userID: "u1", gpuID: Self.listingID, start: Self.now + 2 * Self.hour,
                end: Self.now + 3 * Self.hour, now: Self.now)
            try await store.post(
                try .transfer(
                    id: "dep2", kind: .simulatedDeposit, amount: USDC(micro: 100_000_000), from: .simulator,
                    to: .available(user: "u1"), createdAt: Self.now))
            await #expect(throws: ClusterError.slotTaken(gpuID: Self.listingID)) {
                try await store.createCluster(
                    id: "c2", userID: "u1", plan: plan, start: Self.now + Self.hour, now: Self.now)
            }
            for id in ["c1", "c2"] { #expect(try await store.cluster(id: id) == nil) }
            #expect(try await store.bookings(gpuID: "vastai-1", from: Self.now, to: Self.now + 10 * Self.hour).isEmpty)
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 2_000_000), "only r1's hold")
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "20 concurrent clusters over the same GPUs: exactly one is created, no money moves for the rest",
        arguments: Backend.available)
    func concurrentClusters(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, deposit: "200")
            let plan = try await Self.plan(store, intensity: 400, deadline: 2)
            let won = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await store.createCluster(
                                id: "c\(i)", userID: "u1", plan: plan, start: Self.now + Self.hour, now: Self.now)
                            return true
                        } catch ClusterError.slotTaken {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(won == 1)
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 9_000_000))
            #expect(
                try await store.bookings(gpuID: "vastai-1", from: Self.now, to: Self.now + 10 * Self.hour).count == 1)
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "completion pays the fee to revenue and each member its contribution, and frees the hours",
        arguments: Backend.available)
    func completionPays(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, deposit: "20")
            _ = try await store.createCluster(
                id: "c1", userID: "u1", plan: try await Self.plan(store, intensity: 400, deadline: 2),
                start: Self.now + Self.hour, now: Self.now)
            await #expect(throws: ClusterError.invalidTransition(from: .held, to: .completed)) {
                try await store.finishCluster(id: "c1", outcome: .completed, now: Self.now, fee: .default)
            }
            #expect(try await store.startCluster(id: "c1", now: Self.now + Self.hour).status == .running)
            let done = try await store.finishCluster(
                id: "c1", outcome: .completed, now: Self.now + 3 * Self.hour, fee: .default)
            #expect(done.status == .completed && done.charged == USDC(micro: 9_000_000) && done.refunded == .zero)
            // 9.00 − 10% = 8.10, split 1:1 between equal throughputs.
            #expect(try await store.balance(of: .revenue) == USDC(micro: 900_000))
            #expect(try await store.balance(of: .earnings(user: "p1")) == USDC(micro: 4_050_000))
            #expect(try await store.balance(of: .earnings(user: "upstream:vastai")) == USDC(micro: 4_050_000))
            #expect(try await store.balance(of: .held(user: "u1")) == .zero)
            #expect(try await store.bookings(gpuID: "vastai-1", from: Self.now, to: Self.now + 10 * Self.hour).isEmpty)
            await #expect(throws: ClusterError.invalidTransition(from: .completed, to: .failed)) {
                try await store.finishCluster(id: "c1", outcome: .failed, now: Self.now + 4 * Self.hour, fee: .default)
            }
            await #expect(throws: ClusterError.notFound) { try await store.startCluster(id: "nope", now: Self.now) }
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("failing after 1 h 0 min 1 s charges two started hours and refunds the rest", arguments: Backend.available)
    func failureRefunds(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, deposit: "20")
            // 400 perf-hours by 4 hours: the 2.00 listing alone, 4 h = 8.00.
            let c = try await store.createCluster(
                id: "c1", userID: "u1", plan: try await Self.plan(store, intensity: 400, deadline: 4),
                start: Self.now + Self.hour, now: Self.now)
            #expect(c.members.map(\.gpuID) == [Self.listingID] && c.totalCost == USDC(micro: 8_000_000))
            _ = try await store.startCluster(id: "c1", now: Self.now + Self.hour)
            let failed = try await store.finishCluster(
                id: "c1", outcome: .failed, now: Self.now + 2 * Self.hour + 1, fee: .default)
            #expect(failed.charged == USDC(micro: 4_000_000) && failed.refunded == USDC(micro: 4_000_000))
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 16_000_000))
            #expect(try await store.balance(of: .earnings(user: "p1")) == USDC(micro: 3_600_000))
            #expect(try await store.balance(of: .revenue) == USDC(micro: 400_000))
            #expect(
                try await store.bookings(gpuID: Self.listingID, from: Self.now, to: Self.now + 10 * Self.hour).isEmpty)
            // Before start: everything back.
            _ = try await store.createCluster(
                id: "c2", userID: "u1", plan: try await Self.plan(store, intensity: 400, deadline: 4),
                start: Self.now + Self.hour, now: Self.now)
            let early = try await store.finishCluster(id: "c2", outcome: .failed, now: Self.now + 30, fee: .default)
            #expect(early.refunded == USDC(micro: 8_000_000) && early.charged == .zero)
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 16_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("listings: stored with their offer, owner-only updates, bookings pay the owner", arguments: Backend.available)
    func listings(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, deposit: "20")
            var listing = try #require(try await store.listing(id: Self.listingID))
            #expect(try await store.listings(ownerID: "p1") == [listing])
            #expect(try await store.offer(id: Self.listingID) == listing.offer)
            listing.pricePerHour = USDC(micro: 3_000_000)
            listing.updatedAt = Self.now + 1
            var stolen = listing
            stolen.ownerID = "u1"
            await #expect(throws: ListingError.notFound) { try await store.updateListing(stolen) }
            try await store.updateListing(listing)
            #expect(try await store.offer(id: Self.listingID)?.pricePerHour == USDC(micro: 3_000_000))
            let r = try await store.book(
                id: "r1", userID: "u1", gpuID: Self.listingID, start: Self.now + Self.hour,
                end: Self.now + 3 * Self.hour, now: Self.now)
            #expect(r.payee == .earnings(user: "p1"))
            _ = try await store.advanceLifecycle(now: Self.now + Self.hour, fee: .default, limit: 10)
            #expect(try await store.balance(of: .earnings(user: "p1")) == USDC(micro: 5_400_000))
            #expect(try await store.earningsHistory(userID: "p1", limit: 10).map(\.amount) == [USDC(micro: 5_400_000)])
            try await LedgerAssertions.assertSound(store)
        }
    }

    // MARK: - Helpers

    static func seeded(_ db: any SQLDatabase, deposit: String) async throws -> SQLStore {
        let store = SQLStore(db: db)
        let model = try #require(GPUModel.lookup("RTX 4090"))
        let synced = Date(timeIntervalSince1970: TimeInterval(now))
        let offer = Offer(
            provider: .vastai, externalID: "1", model: model, providerModelName: "RTX 4090", gpuCount: 1, vramGB: 24,
            pricePerHour: try USDC(parsing: "2.5"), location: OfferLocation(region: "Test", country: "US"),
            available: true,
            reliability: 0.99, lastSynced: synced, priceKind: .firm)
        _ = try await store.replaceOffers(from: .vastai, with: [offer], at: synced)
        for (user, role) in [("u1", Role.renter), ("p1", .provider)] {
            _ = try await store.createUser(
                User(id: user, email: try Email("\(user)@example.com"), passwordHash: "x", role: role, createdAt: now))
        }
        try await store.createListing(
            try GPUListingInput(model: "RTX 4090", pricePerHour: USDC(parsing: "2"), location: "Oslo, NO")
                .apply(to: nil, id: listingID, ownerID: "p1", now: now))
        try await store.post(
            try .transfer(
                id: "dep-u1", kind: .simulatedDeposit, amount: try USDC(parsing: deposit), from: .simulator,
                to: .available(user: "u1"), createdAt: now))
        return store
    }

    /// The planner's answer over every offer in the store.
    static func plan(_ store: SQLStore, intensity: Int64, deadline: Int) async throws -> ClusterPlan {
        let request = ClusterRequest(
            jobName: "job", computeIntensity: PerfScore(milli: intensity * PerfScore.scale), vramGB: 24,
            deadlineHours: deadline)
        guard
            case .feasible(let plan) = try DPPPlanner.plan(
                request, candidates: try await store.allOffers().compactMap(\.clusterCandidate))
        else {
            Issue.record("expected a feasible plan")
            throw ClusterError.notFound
        }
        return plan
    }

}

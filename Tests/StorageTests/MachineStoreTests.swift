import Brokerage
import Ethereum
import Foundation
import TestSupport
import Testing

@testable import Storage

/// Machines of bookings and the money their failures give back, on both databases.
@Suite("Machine store")
struct MachineStoreTests {
    static let now = ReservationStoreTests.now
    static let key = SSHKeyRecord(
        line: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2",
        fingerprint: "SHA256:x")
    static let settings = MachineLifecycle.Settings(image: "img")

    /// A store with one active (captured) 2-hour booking `r1` of `u1` on `vastai-1`.
    static func activeBooking(_ db: any SQLDatabase) async throws -> (SQLStore, Reservation) {
        let store = try await ReservationStoreTests.seeded(db, users: ["u1": "100"])
        _ = try await store.book(
            id: "r1", userID: "u1", gpuID: "vastai-1", start: now, end: now + 7200, now: now)
        _ = try await store.advanceLifecycle(now: now, fee: .default, limit: 10)
        let r = try #require(try await store.reservation(id: "r1"))
        #expect(r.status == .active)
        return (store, r)
    }

    @Test(
        "an active booking without a machine is work, with its offer and the renter's key", arguments: Backend.available
    )
    func work(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let (store, r) = try await Self.activeBooking(db)
            #expect(try await store.machineWork(providers: ["akash"], now: Self.now, limit: 10).isEmpty)
            var work = try await store.machineWork(providers: ["vastai"], now: Self.now, limit: 10)
            #expect(work.map(\.reservation) == [r])
            #expect(work.first?.machine == nil)
            #expect(work.first?.offer?.externalID == "1")
            #expect(work.first?.sshKey == nil)
            let user = try await store.updateSSHKey(userID: "u1", key: Self.key)
            #expect(user.sshKey == Self.key)
            #expect(try await store.user(id: "u1")?.sshKey == Self.key)
            work = try await store.machineWork(providers: ["vastai"], now: Self.now, limit: 10)
            #expect(work.first?.sshKey == Self.key.line)

            // Once a machine is stored it is work only when its check is due.
            var m = MachineLifecycle.begin(r, provider: "vastai", offer: work.first?.offer, now: Self.now)
            m.instanceID = "9001"
            m.nextCheckAt = Self.now + 10
            #expect(try await store.save(MachineDecision(machine: m), basedOn: r, now: Self.now))
            #expect(try await store.machineWork(providers: ["vastai"], now: Self.now, limit: 10).isEmpty)
            let due = try await store.machineWork(providers: ["vastai"], now: Self.now + 10, limit: 10)
            #expect(due.map(\.machine) == [m])
            #expect(due.first?.reservation == r)
            #expect(try await store.liveMachineCounts() == ["vastai": 1])
            var running = m
            (running.state, running.connection) = (.running, MachineConnection(host: "h", port: 22, user: "root"))
            #expect(try await store.save(MachineDecision(machine: running), basedOn: r, now: Self.now))
            #expect(try await store.providerDelivery(since: 0) == [.vastai: ProviderDelivery(delivered: 1)])
            #expect(try await store.providerDelivery(since: Self.now + 1).isEmpty)
            #expect(try await store.machine(reservationID: "r1") == running)

            // A restart asked while the service holds an older copy survives that copy's write.
            #expect(try await store.requestRestart(reservationID: "r1", userID: "u1", now: Self.now).restartRequested)
            await #expect(throws: ReservationError.notFound) {
                try await store.requestRestart(reservationID: "r1", userID: "u2", now: Self.now)
            }
            #expect(try await store.save(MachineDecision(machine: running), basedOn: r, now: Self.now))
            #expect(try await store.machine(reservationID: "r1")?.restartRequested == true)
            var restarted = running
            restarted.restarts = 1
            #expect(try await store.save(MachineDecision(machine: restarted), basedOn: r, now: Self.now))
            #expect(try await store.machine(reservationID: "r1")?.restartRequested == false)

            // Cancelled: due at once, whatever its next check says.
            _ = try await store.cancel(id: "r1", userID: "u1", now: Self.now + 1, fee: .default)
            #expect(try await store.machineWork(providers: ["vastai"], now: Self.now + 1, limit: 10).count == 1)
        }
    }

    @Test(
        "a refused rental is written with its refund, the booking cancelled and the offer withdrawn, in one transaction",
        arguments: Backend.available)
    func refusal(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let (store, r) = try await Self.activeBooking(db)
            #expect(try await store.balance(of: .earnings(user: "upstream:vastai")) == USDC(micro: 4_500_000))
            let m = MachineLifecycle.begin(r, provider: "vastai", offer: nil, now: Self.now)
            let create = MachineAction.create(
                MachineRequest(offerID: "1", label: "r1", image: "img", diskGB: 40, sshPublicKey: nil))
            let decision = try MachineLifecycle.apply(
                .refused(.offerGone), of: create, to: m, reservation: r, sshKey: nil, settings: Self.settings,
                fee: .default, now: Self.now + 5)

            // Decided on a booking that has changed since: nothing is written.
            var older = r
            older.status = .confirmed
            #expect(try await store.save(decision, basedOn: older, now: Self.now + 5) == false)
            #expect(try await store.machine(reservationID: "r1") == nil)
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 95_000_000))

            #expect(try await store.save(decision, basedOn: r, now: Self.now + 5))
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 100_000_000))
            #expect(try await store.balance(of: .revenue) == .zero)
            #expect(try await store.balance(of: .earnings(user: "upstream:vastai")) == .zero)
            let cancelled = try #require(try await store.reservation(id: "r1"))
            #expect(cancelled.status == .cancelled && cancelled.refunded == r.totalCost)
            #expect(try await store.offer(id: "vastai-1")?.available == false)
            #expect(try await store.machine(reservationID: "r1")?.state == .releasing)
            try await LedgerAssertions.assertSound(store)

            // The closing find: provision_failed, no longer work, listed by state.
            let closed = try MachineLifecycle.apply(
                .found(nil), of: .find(label: "r1"), to: decision.machine, reservation: cancelled, sshKey: nil,
                settings: Self.settings, fee: .default, now: Self.now + 6)
            #expect(try await store.save(closed, basedOn: cancelled, now: Self.now + 6))
            #expect(try await store.machineWork(providers: ["vastai"], now: Self.now + 99, limit: 10).isEmpty)
            #expect(
                try await store.machines(state: .provisionFailed, after: nil, limit: 10).map(\.reservationID) == ["r1"])
            #expect(try await store.machines(state: .running, after: nil, limit: 10).isEmpty)
            #expect(try await store.liveMachineCounts().isEmpty)
            // A gone offer is not the provider's failure: nothing counts against it.
            #expect(try await store.providerDelivery(since: 0) == [.vastai: ProviderDelivery()])
        }
    }

    @Test("a substitute moves the booking only onto free hours, with its refund", arguments: Backend.available)
    func substitute(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await ReservationStoreTests.seeded(db, users: ["u1": "100"])
            let t = Date(timeIntervalSince1970: TimeInterval(Self.now))
            var first = try #require(try await store.offer(id: "vastai-1"))
            var second = first
            (second.id, second.externalID, second.pricePerHour) = ("vastai-2", "2", USDC(micro: 2_000_000))
            first.lastSynced = t
            _ = try await store.replaceOffers(from: .vastai, with: [first, second], at: t)
            _ = try await store.book(
                id: "r1", userID: "u1", gpuID: "vastai-1", start: Self.now, end: Self.now + 7200,
                substituteCeiling: USDC(micro: 3_000_000), now: Self.now)
            _ = try await store.book(
                id: "r2", userID: "u1", gpuID: "vastai-2", start: Self.now, end: Self.now + 3600, now: Self.now)
            _ = try await store.advanceLifecycle(now: Self.now, fee: .default, limit: 10)
            let r = try #require(try await store.reservation(id: "r1"))
            #expect(r.substituteCeiling == USDC(micro: 3_000_000))
            let m = MachineLifecycle.begin(r, provider: "vastai", offer: first, now: Self.now)
            let decision = try MachineLifecycle.substitute(
                m, reservation: r, model: first.model.id, candidates: [second], fee: .default, now: Self.now + 5)
            await #expect(throws: ReservationError.slotTaken) {
                try await store.save(decision, basedOn: r, now: Self.now + 5)
            }
            #expect(try await store.reservation(id: "r1") == r, "nothing written")

            _ = try await store.cancel(id: "r2", userID: "u1", now: Self.now + 1, fee: .default)
            #expect(try await store.save(decision, basedOn: r, now: Self.now + 5))
            let moved = try #require(try await store.reservation(id: "r1"))
            #expect(moved.gpuID == "vastai-2" && moved.totalCost == USDC(micro: 4_000_000))
            // 100 - 5 (r1) - 2 (r2, cancelled after its start: no refund) + 1 (the difference).
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 94_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }
}

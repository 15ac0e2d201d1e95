import Brokerage
import Ethereum
import Foundation
import Testing

/// Cluster decisions without a database: creation against the offers as they are now,
/// the start, and settlement's movements (the settlement arithmetic itself is tested in
/// ``ClusterSettlementTests``).
@Suite("Cluster lifecycle decisions")
struct ClusterLifecycleTests {
    static let now: Int64 = 1_800_000_000
    typealias F = MarketFixtures

    /// A GP4U listing (owned by `owner-1`) and a Vast offer, both RTX 4090.
    static let offers = [
        F.offer(.gp4u, "x", price: "1.00"), F.offer(.vastai, "1", price: "2.50", gpus: 2),
    ]

    /// The plan that needs both offers for 3 hours.
    static func plan() throws -> ClusterPlan {
        let candidates = offers.compactMap(\.clusterCandidate)
        let throughput = candidates.reduce(0) { $0 + $1.throughput.milli }
        let request = ClusterRequest(
            jobName: "train", computeIntensity: PerfScore(milli: throughput * 3), vramGB: 24, deadlineHours: 3)
        guard case .feasible(let plan) = try DPPPlanner.plan(request, candidates: candidates) else {
            throw CancellationError()
        }
        return plan
    }

    static func create(
        offers: [Offer] = offers, owners: [String: String] = ["gp4u-x": "owner-1"]
    ) throws -> ClusterDecision {
        try ClusterLifecycle.create(
            id: "c", userID: "u", plan: try plan(), start: now + 3600, now: now,
            offers: Dictionary(uniqueKeysWithValues: offers.map { ($0.id, $0) }), owners: owners)
    }

    @Test("create: members book the cluster's hours for their gross shares, the whole cost is held")
    func create() throws {
        let plan = try Self.plan()
        #expect(plan.members.count == 2 && plan.estimatedHours == 3)
        let d = try Self.create()
        #expect(d.cluster.status == .held)
        #expect(d.cluster.end == Self.now + 3600 + 3 * 3600)
        #expect(
            Set(d.cluster.members.map(\.payee)) == [.earnings(user: "owner-1"), .earnings(user: "upstream:vastai")])
        #expect(d.newBookings.map(\.id) == ["c-0", "c-1"])
        #expect(
            d.newBookings.allSatisfy { $0.clusterID == "c" && $0.status == .confirmed && $0.start == Self.now + 3600 })
        #expect(d.newBookings.reduce(0) { $0 + $1.totalCost.micro } == plan.totalCost.micro)
        #expect(d.memberBookingStatus == nil)
        #expect(netChange(d.movements) == ["available:u": -plan.totalCost.micro, "held:u": plan.totalCost.micro])
    }

    @Test("create refuses when a member offer is gone, closed, repriced or resized, or a listing has no owner")
    func createRefuses() throws {
        let gone = [Self.offers[0]]
        let closed = [Self.offers[0], F.offer(.vastai, "1", price: "2.50", gpus: 2, available: false)]
        let repriced = [Self.offers[0], F.offer(.vastai, "1", price: "2.49", gpus: 2)]
        let resized = [Self.offers[0], F.offer(.vastai, "1", price: "2.50", gpus: 1)]
        for offers in [gone, closed, repriced, resized] {
            #expect(throws: ClusterError.offerChanged(gpuID: "vastai-1")) { try Self.create(offers: offers) }
        }
        #expect(throws: ReservationError.gpuNotFound) { try Self.create(owners: [:]) }
    }

    @Test("start: held → running, the clock starts and member bookings go active; nothing else starts")
    func start() throws {
        let held = try Self.create().cluster
        let d = try ClusterLifecycle.start(held, now: Self.now + 7200)
        #expect(d.cluster.status == .running && d.cluster.startedAt == Self.now + 7200)
        #expect(d.memberBookingStatus == .active && d.movements.isEmpty)
        for status in [Cluster.Status.running, .completed, .failed] {
            var c = held
            c.status = status
            #expect(throws: ClusterError.invalidTransition(from: status, to: .running)) {
                try ClusterLifecycle.start(c, now: Self.now)
            }
        }
    }

    @Test("finish: completion pays the fee and each payee once; failure refunds; illegal moves are refused")
    func finish() throws {
        let c = ClusterSettlementTests.cluster()  // two members share one payee
        let done = try ClusterLifecycle.finish(c, outcome: .completed, now: 99_999, fee: .default)
        #expect(done.cluster.status == .completed && done.cluster.finishedAt == 99_999)
        #expect(done.cluster.charged == c.totalCost && done.cluster.refunded == .zero)
        #expect(done.memberBookingStatus == .completed)
        #expect(done.movements.map(\.id) == ["cluster-charge:c"])
        #expect(done.movements[0].entries.count == 4, "held, revenue and one entry per payee")
        #expect(
            netChange(done.movements) == [
                "held:u": -35_000_030, "revenue:platform": 3_500_003, "earnings:upstream:vastai": 13_500_012,
                "earnings:owner": 18_000_015,
            ])

        let unstarted = ClusterSettlementTests.cluster(status: .held, startedAt: nil)
        let refunded = try ClusterLifecycle.finish(unstarted, outcome: .failed, now: 5, fee: .default)
        #expect(refunded.memberBookingStatus == .cancelled)
        #expect(refunded.movements.map(\.id) == ["cluster-refund:c"])
        #expect(netChange(refunded.movements) == ["held:u": -35_000_030, "available:u": 35_000_030])

        // Failed after 1 h 1 s of running: two started hours charged, three refunded.
        let failed = try ClusterLifecycle.finish(c, outcome: .failed, now: 1_000 + 3_601, fee: .default)
        #expect(failed.cluster.charged == USDC(micro: 14_000_012))
        #expect(failed.cluster.refunded == USDC(micro: 21_000_018))
        #expect(failed.movements.map(\.id) == ["cluster-refund:c", "cluster-charge:c"])
        #expect(netChange(failed.movements)["held:u"] == -35_000_030)

        #expect(throws: ClusterError.invalidTransition(from: .held, to: .completed)) {
            try ClusterLifecycle.finish(unstarted, outcome: .completed, now: 5, fee: .default)
        }
        #expect(throws: ClusterError.invalidTransition(from: .running, to: .held)) {
            try ClusterLifecycle.finish(c, outcome: .held, now: 5, fee: .default)
        }
        var finished = c
        finished.status = .completed
        #expect(throws: ClusterError.invalidTransition(from: .completed, to: .failed)) {
            try ClusterLifecycle.finish(finished, outcome: .failed, now: 5, fee: .default)
        }
    }
}

import Brokerage
import Ethereum
import Testing

@Suite("DPP planner: known answers")
struct DPPPlannerTests {
    private func plan(_ r: ClusterRequest, _ c: [ClusterCandidate]) throws -> ClusterPlan {
        let outcome = try DPPPlanner.plan(r, candidates: c)
        return try #require(outcome.plan, "expected a plan, got \(String(describing: outcome.infeasibility))")
    }

    private func reason(_ r: ClusterRequest, _ c: [ClusterCandidate]) throws -> ClusterInfeasibility {
        let outcome = try DPPPlanner.plan(r, candidates: c)
        return try #require(outcome.infeasibility, "expected no plan, got \(String(describing: outcome.plan))")
    }

    @Test("cheapest total cost wins, not cheapest hourly price")
    func cheapestTotal() throws {
        // a: 10/h for 1 -> 10 h, 10.00; c: 20/h for 1.8 -> 5 h, 9.00; a+c: 4 h x 2.8 = 11.20.
        let offers = [("a", 10, 1_000_000), ("b", 10, 1_500_000), ("c", 20, 1_800_000)].map { id, perf, micro in
            var o = dppOffer(id, perf: Int64(perf), price: 0)
            o.pricePerHour = USDC(micro: Int64(micro))
            return o
        }
        let p = try plan(dppRequest(intensity: 100, deadline: 10), offers)
        #expect(p.members.map(\.candidate.id) == ["c"])
        #expect(p.estimatedHours == 5)
        #expect(p.totalCost == USDC(micro: 9_000_000))
        #expect(p.hourlyPrice == USDC(micro: 1_800_000))
        #expect(p.members.map(\.contribution) == [1.0])
    }

    @Test("hours are an exact ceiling: 100 / 33.334 needs 3 hours, 100 / 33.333 needs 4")
    func exactCeiling() throws {
        func offer(_ perfMilli: Int64) -> ClusterCandidate {
            var o = dppOffer("x", perf: 1, price: 1)
            o.perfScore = PerfScore(milli: perfMilli)
            return o
        }
        #expect(try plan(dppRequest(intensity: 100, deadline: 3), [offer(33_334)]).estimatedHours == 3)
        let r = try reason(dppRequest(intensity: 100, deadline: 3), [offer(33_333)])
        #expect(
            r
                == .insufficientThroughput(
                    required: PerfScore(milli: 33_334), available: PerfScore(milli: 33_333), fastestHours: 4,
                    deadlineHours: 3, eligibleCandidates: 1, provider: nil))
    }

    @Test("a tighter deadline forces a larger, dearer cluster")
    func deadlineBinds() throws {
        let offers = (0..<4).map { dppOffer("g\($0)", gpus: 2, perf: 25, price: 2) }
        // 50/h per offer; 400 work: 8 h on one offer (16.00), 4 h on two (16.00), 2 h on four (16.00).
        #expect(try plan(dppRequest(intensity: 400, deadline: 8), offers).members.count == 1)
        #expect(try plan(dppRequest(intensity: 400, deadline: 3), offers).members.count == 4)
        let p = try plan(dppRequest(intensity: 400, deadline: 4), offers)
        #expect(p.members.map(\.candidate.id) == ["g0", "g1"])
        #expect(p.totalCost == USDC(micro: 16_000_000))
    }

    @Test("equal cost: fewer GPUs wins")
    func tieFewerGPUs() throws {
        let offers = [dppOffer("a", gpus: 2, perf: 10, price: 2), dppOffer("b", gpus: 1, perf: 20, price: 2)]
        #expect(try plan(dppRequest(intensity: 20, deadline: 1), offers).members.map(\.candidate.id) == ["b"])
    }

    @Test("equal cost and GPUs: higher minimum reliability, then GPU-weighted reliability")
    func tieReliability() throws {
        let byMin = [
            dppOffer("a", perf: 10, price: 1, reliability: 0.90), dppOffer("b", perf: 10, price: 1, reliability: 0.97),
        ]
        #expect(try plan(dppRequest(intensity: 10, deadline: 1), byMin).members.map(\.candidate.id) == ["b"])
        // {x2, y1} and {x1, z2}: both min 0.9; weighted 2x0.99+0.9 beats 0.9+2x0.95.
        let byWeighted = [
            dppOffer("x1", gpus: 1, perf: 10, price: 1, reliability: 0.90),
            dppOffer("x2", gpus: 2, perf: 10, price: 2, reliability: 0.99),
            dppOffer("y1", gpus: 1, perf: 10, price: 1, reliability: 0.90),
            dppOffer("z2", gpus: 2, perf: 10, price: 2, reliability: 0.95),
        ]
        let p = try plan(dppRequest(intensity: 30, deadline: 1, maxGPUs: 3), byWeighted)
        #expect(p.members.map(\.candidate.id) == ["x2", "x1"])
    }

    @Test("equal on everything else: more throughput, then the smaller id list")
    func tieThroughputThenID() throws {
        let faster = [dppOffer("a", perf: 10, price: 1), dppOffer("b", perf: 15, price: 1)]
        #expect(try plan(dppRequest(intensity: 10, deadline: 1), faster).members.map(\.candidate.id) == ["b"])
        let twins = [
            dppOffer("q", perf: 10, price: 1), dppOffer("p", perf: 10, price: 1), dppOffer("r", perf: 10, price: 1),
        ]
        #expect(try plan(dppRequest(intensity: 20, deadline: 1), twins).members.map(\.candidate.id) == ["p", "q"])
    }

    @Test("filters: VRAM, reliability and same provider")
    func filters() throws {
        let offers = [
            dppOffer("small", vram: 16, perf: 50, price: 1),
            dppOffer("flaky", vram: 80, perf: 50, price: 1, reliability: 0.5),
            dppOffer("ok1", provider: "akash", vram: 80, perf: 10, price: 1),
            dppOffer("ok2", provider: "vast", vram: 48, perf: 10, price: 1),
            dppOffer("ok3", provider: "vast", vram: 48, perf: 10, price: 2),
        ]
        let mixed = try plan(dppRequest(intensity: 20, deadline: 1, vram: 24, minReliability: 0.9), offers)
        #expect(mixed.members.map(\.candidate.id).sorted() == ["ok1", "ok2"])
        let single = try plan(
            dppRequest(intensity: 20, deadline: 1, vram: 24, sameProvider: true, minReliability: 0.9), offers)
        #expect(single.members.map(\.candidate.id).sorted() == ["ok2", "ok3"])
        #expect(single.totalCost == USDC(micro: 3_000_000))
    }

    @Test("contributions follow throughput and the payout split is exact")
    func contributions() throws {
        let offers = [dppOffer("a", gpus: 1, perf: 10, price: 1), dppOffer("b", gpus: 2, perf: 10, price: 2)]
        let p = try plan(dppRequest(intensity: 30, deadline: 1), offers)
        #expect(p.members.map(\.candidate.id) == ["b", "a"])
        #expect(p.members.map(\.throughput) == [PerfScore(milli: 20_000), PerfScore(milli: 10_000)])
        #expect(p.gpuCount == 3)
        let parts = try p.split(USDC(micro: 100))
        #expect(parts == [USDC(micro: 67), USDC(micro: 33)])
    }

    @Test("no offers, none eligible")
    func nothingToPlan() throws {
        #expect(try reason(dppRequest(intensity: 1, deadline: 1), []) == .noCandidates)
        let offers = [
            dppOffer("a", vram: 16, perf: 10, price: 1), dppOffer("b", vram: 16, perf: 10, price: 1, reliability: 0.5),
            dppOffer("c", vram: 80, perf: 10, price: 1, reliability: 0.5),
        ]
        #expect(
            try reason(dppRequest(intensity: 1, deadline: 1, vram: 24, minReliability: 0.9), offers)
                == .noEligibleCandidates(
                    requiredVRAMGB: 24, minReliability: 0.9, candidates: 3, tooLittleVRAM: 2, tooUnreliable: 2))
    }

    @Test("too little throughput names the fastest single provider")
    func throughputReason() throws {
        let offers = [
            dppOffer("a", provider: "akash", gpus: 4, perf: 10, price: 1),
            dppOffer("b", provider: "vast", perf: 30, price: 1),
        ]
        #expect(
            try reason(dppRequest(intensity: 500, deadline: 5, sameProvider: true), offers)
                == .insufficientThroughput(
                    required: PerfScore(milli: 100_000), available: PerfScore(milli: 40_000), fastestHours: 13,
                    deadlineHours: 5, eligibleCandidates: 2, provider: "akash"))
    }

    @Test("GPU cap below the fewest GPUs that can finish")
    func gpuCapReason() throws {
        let offers = [
            dppOffer("a", gpus: 4, perf: 10, price: 1), dppOffer("b", gpus: 3, perf: 10, price: 1),
            dppOffer("c", gpus: 2, perf: 10, price: 1),
        ]
        // 50/h needed: 3+2 GPUs (50) is the fewest.
        #expect(
            try reason(dppRequest(intensity: 50, deadline: 1, maxGPUs: 4), offers)
                == .tooFewGPUsAllowed(maxGPUs: 4, minimumGPUs: 5))
    }

    @Test("budget below the cheapest hourly price that can finish within the GPU cap")
    func budgetReason() throws {
        let offers = [dppOffer("cheap", gpus: 4, perf: 10, price: 3), dppOffer("fast", gpus: 1, perf: 40, price: 5)]
        #expect(
            try reason(dppRequest(intensity: 40, deadline: 1, budget: 2), offers)
                == .budgetTooLow(maxHourlyBudget: USDC(micro: 2_000_000), minimumHourlyPrice: USDC(micro: 3_000_000)))
        #expect(
            try reason(dppRequest(intensity: 40, deadline: 1, maxGPUs: 2, budget: 4), offers)
                == .budgetTooLow(maxHourlyBudget: USDC(micro: 4_000_000), minimumHourlyPrice: USDC(micro: 5_000_000)))
        #expect(
            ClusterInfeasibility.budgetTooLow(
                maxHourlyBudget: USDC(micro: 4_000_000), minimumHourlyPrice: USDC(micro: 5_000_000)
            ).description
                .contains("5.00"))
    }

    static let badRequests: [(ClusterRequest, String)] = [
        (dppRequest(intensity: 0, deadline: 1), "compute_intensity"),
        (dppRequest(intensity: 1, deadline: 0), "deadline_hours"),
        (dppRequest(intensity: 1, deadline: ClusterRequest.maxDeadlineHours + 1), "deadline_hours"),
        (dppRequest(intensity: 1, deadline: 1, vram: -1), "vram_gb"),
        (dppRequest(intensity: 1, deadline: 1, maxGPUs: 0), "max_gpus"),
        (dppRequest(intensity: 1, deadline: 1, budget: -1), "max_hourly_budget"),
        (dppRequest(intensity: 1, deadline: 1, minReliability: 1.5), "min_reliability"),
        (dppRequest(intensity: 1, deadline: 1, minReliability: .nan), "min_reliability"),
    ]

    @Test("malformed requests throw, naming the field", arguments: badRequests)
    func badRequest(request: ClusterRequest, field: String) {
        do {
            _ = try DPPPlanner.plan(request, candidates: [])
            Issue.record("no error for \(field)")
        } catch {
            guard case .invalidRequest(let f, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(f == field)
        }
    }

    static let badOffers: [ClusterCandidate] = {
        var noGPU = dppOffer("g", perf: 1, price: 1)
        noGPU.gpuCount = 0
        var noPerf = dppOffer("p", perf: 0, price: 1)
        noPerf.perfScore = PerfScore(milli: 0)
        var negative = dppOffer("n", perf: 1, price: 1)
        negative.pricePerHour = USDC(micro: -1)
        let unreliable = dppOffer("r", perf: 1, price: 1, reliability: 1.01)
        let noID = dppOffer("", perf: 1, price: 1)
        return [noGPU, noPerf, negative, unreliable, noID]
    }()

    @Test("malformed candidates throw, naming the offer", arguments: badOffers)
    func badCandidate(offer: ClusterCandidate) {
        do {
            _ = try DPPPlanner.plan(dppRequest(intensity: 1, deadline: 1), candidates: [offer])
            Issue.record("no error for \(offer)")
        } catch {
            guard case .invalidCandidate(let id, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(id == offer.id)
        }
    }

    @Test("duplicate ids and overflowing sums throw")
    func duplicatesAndOverflow() {
        let a = dppOffer("a", perf: 1, price: 1)
        #expect(throws: ClusterPlanningError.invalidCandidate(id: "a", reason: "appears twice")) {
            try DPPPlanner.plan(dppRequest(intensity: 1, deadline: 1), candidates: [a, a])
        }
        var huge = dppOffer("h", perf: 1, price: 1)
        huge.pricePerHour = USDC(micro: .max / 2)
        #expect(throws: ClusterPlanningError.tooLarge) {
            try DPPPlanner.plan(dppRequest(intensity: 1, deadline: 10), candidates: [huge])
        }
    }
}

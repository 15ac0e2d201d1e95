import Brokerage
import Ethereum
import TestSupport
import Testing

/// The planner against enumeration of every subset, on 500 seeded random instances of
/// 8-14 offers whose repeated values produce ties, zero prices and every constraint.
@Suite("DPP planner equals brute force")
struct DPPBruteForceTests {
    static let batches = Array(0..<10)
    static let instancesPerBatch = 50

    @Test("same feasibility, cost, hours and members (tie-breaks included)", arguments: batches)
    func matches(batch: Int) throws {
        var rng = SeededGenerator(seed: 0xD99 &+ UInt64(batch) &* 7_919)
        var feasible = 0
        for n in 0..<Self.instancesPerBatch {
            let (request, candidates) = dppRandomInstance(&rng)
            let outcome = try DPPPlanner.plan(request, candidates: candidates)
            let expected = DPPBruteForce.solve(request, candidates)
            let label = "batch \(batch) instance \(n)"
            switch (outcome, expected) {
            case (.feasible(let plan), .some(let answer)):
                feasible += 1
                #expect(plan.totalCost.micro == answer.cost, "\(label)")
                #expect(Int64(plan.estimatedHours) == answer.hours, "\(label)")
                #expect(plan.hourlyPrice.micro == answer.hourlyPrice, "\(label)")
                #expect(plan.members.map(\.candidate.id).sorted() == answer.ids, "\(label)")
                checkInvariants(plan, request, label)
            case (.infeasible(let reason), .none):
                check(reason, against: DPPBruteForce.reason(request, candidates), label)
            default:
                Issue.record("\(label): planner \(outcome) but brute force \(String(describing: expected))")
            }
        }
        // The generator must exercise both answers, or this test proves little.
        #expect(feasible > Self.instancesPerBatch / 5)
        #expect(feasible < Self.instancesPerBatch * 19 / 20)
    }

    private func checkInvariants(_ plan: ClusterPlan, _ request: ClusterRequest, _ label: String) {
        let throughput = plan.members.reduce(Int64(0)) { $0 + $1.throughput.milli }
        #expect(throughput == plan.totalThroughput.milli, "\(label)")
        #expect(Int64(plan.estimatedHours) * throughput >= request.computeIntensity.milli, "\(label)")
        #expect(plan.estimatedHours <= request.deadlineHours, "\(label)")
        #expect(plan.hourlyPrice.micro * Int64(plan.estimatedHours) == plan.totalCost.micro, "\(label)")
        if let cap = request.maxGPUs { #expect(plan.gpuCount <= cap, "\(label)") }
        if let budget = request.maxHourlyBudget { #expect(plan.hourlyPrice <= budget, "\(label)") }
        if request.sameProvider { #expect(Set(plan.members.map(\.candidate.provider)).count == 1, "\(label)") }
        #expect(abs(plan.members.map(\.contribution).reduce(0, +) - 1) < 1e-9, "\(label)")
    }

    private func check(_ reason: ClusterInfeasibility, against expected: DPPBruteForce.Reason, _ label: String) {
        switch (reason, expected) {
        case (.noCandidates, .noOffers), (.noEligibleCandidates, .noEligible):
            break
        case (.insufficientThroughput(let required, let available, _, _, _, _), .throughput(let r, let a)):
            #expect(required.milli == r && available.milli == a, "\(label)")
        case (.tooFewGPUsAllowed(_, let minimum), .gpus(let m)):
            #expect(minimum == m, "\(label)")
        case (.budgetTooLow(_, let minimum), .budget(let m)):
            #expect(minimum.micro == m, "\(label)")
        default:
            Issue.record("\(label): planner says \(reason), brute force \(expected)")
        }
    }
}

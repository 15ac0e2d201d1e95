import Ethereum

/// DPP, the Dynamic Pooling Protocol: plans the cheapest cluster of offers that finishes a
/// job by its deadline.
///
/// **Cost model.** Each offer is taken whole (all of its listed GPUs), at most once. Its
/// throughput is `perf_score` (per GPU) × its GPU count. A cluster runs
/// `H = ceil(compute_intensity / Σ throughput)` whole hours, needs `H ≤ deadline_hours`,
/// and costs `H × Σ price_per_hour` of its members. Members need VRAM per GPU ≥ `vram_gb`
/// and reliability ≥ `min_reliability`; `max_gpus` caps the total GPU count,
/// `max_hourly_budget` caps `Σ price_per_hour`, and `same_provider` keeps every member on
/// one provider. Perf scores and compute intensity are exact to 3 decimals, money to the
/// micro-USDC, reliability to 6 decimals, so every comparison is exact.
///
/// **Which plan.** The plan of minimum total cost. Among plans of equal cost: fewer GPUs;
/// then the higher minimum member reliability; then the higher GPU-weighted mean
/// reliability (Σ gpus × reliability, the expected number of healthy GPUs); then the
/// higher total throughput (finishes with more slack); then the plan whose sorted list of
/// offer ids comes first. This order is total, so the answer is unique and repeatable.
///
/// **Contribution.** A member's share is its throughput / Σ throughput; payouts and
/// refunds are split with `ClusterPlan.split(_:)` (largest remainder, exact to the micro).
///
/// **How.** The answer is exact, not a heuristic. For each `H` in `1...deadline_hours` the
/// problem "Σ throughput ≥ ceil(intensity / H), Σ price minimal, within the caps" is a
/// covering knapsack, solved exactly by `CoverSearch` (branch and bound with an LP bound
/// and dominance). Hour counts are visited in order of their lower bound `H × LP bound`,
/// share one incumbent, and stop as soon as the next bound cannot beat it.
public enum DPPPlanner {
    /// Plans `request` over `candidates`. Throws only for malformed input; a request that
    /// cannot be met is a valid `.infeasible` answer with the reason and its numbers.
    public static func plan(
        _ request: ClusterRequest, candidates: [ClusterCandidate]
    ) throws(ClusterPlanningError) -> ClusterPlanOutcome {
        try validate(request)
        try validate(candidates, deadlineHours: Int64(request.deadlineHours))
        if candidates.isEmpty { return .infeasible(.noCandidates) }

        let idRanks = rankIDs(candidates)
        let minPPM = partsPerMillion(request.minReliability)
        var items: [CoverItem] = []
        var tooLittleVRAM = 0
        var tooUnreliable = 0
        for (index, c) in candidates.enumerated() {
            let ppm = partsPerMillion(c.reliability)
            let vramOK = c.vramGB >= request.vramGB
            let reliable = ppm >= minPPM
            if !vramOK { tooLittleVRAM += 1 }
            if !reliable { tooUnreliable += 1 }
            guard vramOK && reliable else { continue }
            items.append(
                CoverItem(
                    candidate: index, throughput: c.throughput.milli, price: c.pricePerHour.micro,
                    gpus: Int64(c.gpuCount), perfPerGPU: c.perfScore.milli, reliabilityPPM: ppm,
                    idRank: idRanks[index]))
        }
        if items.isEmpty {
            return .infeasible(
                .noEligibleCandidates(
                    requiredVRAMGB: request.vramGB, minReliability: request.minReliability,
                    candidates: candidates.count, tooLittleVRAM: tooLittleVRAM, tooUnreliable: tooUnreliable))
        }

        let groups = groupItems(items, byProviderOf: request.sameProvider ? candidates : nil)
        var searches = groups.map { CoverSearch(items: $0) }
        let intensity = request.computeIntensity.milli
        let gpuCap = request.maxGPUs.map(Int64.init) ?? .max
        let priceCap = request.maxHourlyBudget?.micro ?? .max

        // Every (group, H) with its lower bound H × LP bound, cheapest first.
        var tasks: [(group: Int, hours: Int64, requirement: Int64, bound: Int64)] = []
        for (g, search) in searches.enumerated() {
            for h in 1...Int64(request.deadlineHours) {
                let requirement = CoverSearch.ceilDiv(intensity, h)
                guard let lp = search.rootBound(requirement: requirement), lp <= priceCap else { continue }
                tasks.append((g, h, requirement, h * lp))
            }
        }
        tasks.sort { $0.bound != $1.bound ? $0.bound < $1.bound : $0.hours > $1.hours }

        var best: CoverChoice?
        for task in tasks {
            if let best, task.bound > best.cost { break }
            searches[task.group].best = best
            searches[task.group].solve(
                requirement: task.requirement, hours: task.hours, intensity: intensity,
                gpuCap: gpuCap, priceCap: priceCap)
            best = searches[task.group].best
        }
        if let best { return .feasible(makePlan(best, request: request, candidates: candidates)) }
        return .infeasible(
            diagnose(request, candidates: candidates, groups: groups, searches: &searches, eligible: items.count))
    }

    /// Explains an empty answer, checking causes from the plainest to the subtlest.
    private static func diagnose(
        _ request: ClusterRequest, candidates: [ClusterCandidate], groups: [[CoverItem]],
        searches: inout [CoverSearch], eligible: Int
    ) -> ClusterInfeasibility {
        let deadline = Int64(request.deadlineHours)
        let intensity = request.computeIntensity.milli
        let requirement = CoverSearch.ceilDiv(intensity, deadline)

        let fastest = searches.indices.max { searches[$0].totalThroughput < searches[$1].totalThroughput }!
        let available = searches[fastest].totalThroughput
        if available < requirement {
            return .insufficientThroughput(
                required: PerfScore(milli: requirement), available: PerfScore(milli: available),
                fastestHours: Int(CoverSearch.ceilDiv(intensity, available)),
                deadlineHours: request.deadlineHours, eligibleCandidates: eligible,
                provider: request.sameProvider ? candidates[groups[fastest][0].candidate].provider : nil)
        }
        let able = searches.indices.filter { searches[$0].totalThroughput >= requirement }

        if let maxGPUs = request.maxGPUs {
            // Fewest GPUs that reach the requirement: the same search with price := GPUs.
            var fewest = Int64.max
            for g in able {
                var byGPUs = CoverSearch(
                    items: groups[g].map {
                        var item = $0
                        item.price = item.gpus
                        return item
                    })
                byGPUs.solve(
                    requirement: requirement, hours: 1, intensity: nil, gpuCap: .max, priceCap: .max, valueOnly: true)
                if let choice = byGPUs.best { fewest = min(fewest, choice.price) }
            }
            if fewest > Int64(maxGPUs) {
                return .tooFewGPUsAllowed(maxGPUs: maxGPUs, minimumGPUs: Int(fewest))
            }
        }

        guard let budget = request.maxHourlyBudget else {
            preconditionFailure("DPP: a covering set within the GPU cap exists, so the deadline hour has a plan")
        }
        var cheapest = Int64.max
        let gpuCap = request.maxGPUs.map(Int64.init) ?? .max
        for g in able {
            searches[g].best = nil
            searches[g].solve(
                requirement: requirement, hours: 1, intensity: nil, gpuCap: gpuCap, priceCap: .max, valueOnly: true)
            if let choice = searches[g].best { cheapest = min(cheapest, choice.price) }
        }
        return .budgetTooLow(maxHourlyBudget: budget, minimumHourlyPrice: USDC(micro: cheapest))
    }

    private static func makePlan(
        _ choice: CoverChoice, request: ClusterRequest, candidates: [ClusterCandidate]
    ) -> ClusterPlan {
        let total = Double(choice.throughput)
        let members = choice.members
            .map { candidates[$0] }
            .sorted { a, b in
                let ta = a.throughput.milli
                let tb = b.throughput.milli
                return ta != tb ? ta > tb : a.id < b.id
            }
            .map { c in
                ClusterPlanMember(
                    candidate: c, throughput: c.throughput, contribution: Double(c.throughput.milli) / total)
            }
        return ClusterPlan(
            jobName: request.jobName, members: members, estimatedHours: Int(choice.hours),
            hourlyPrice: USDC(micro: choice.price), totalCost: USDC(micro: choice.cost),
            totalThroughput: PerfScore(milli: choice.throughput))
    }

    /// One group of all items, or one group per provider, in first-seen order.
    private static func groupItems(_ items: [CoverItem], byProviderOf candidates: [ClusterCandidate]?) -> [[CoverItem]]
    {
        guard let candidates else { return [items] }
        var order: [String] = []
        var groups: [String: [CoverItem]] = [:]
        for item in items {
            let provider = candidates[item.candidate].provider
            if groups[provider] == nil { order.append(provider) }
            groups[provider, default: []].append(item)
        }
        return order.map { groups[$0]! }
    }

    /// Rank of each candidate's id in ascending `String` order (ids are unique).
    private static func rankIDs(_ candidates: [ClusterCandidate]) -> [Int] {
        var ranks = [Int](repeating: 0, count: candidates.count)
        for (rank, index) in candidates.indices.sorted(by: { candidates[$0].id < candidates[$1].id }).enumerated() {
            ranks[index] = rank
        }
        return ranks
    }

    /// Reliability in parts per million, so that filters and tie-breaks compare integers.
    static func partsPerMillion(_ reliability: Double) -> Int64 {
        Int64((reliability * 1_000_000).rounded())
    }

    private static func validate(_ r: ClusterRequest) throws(ClusterPlanningError) {
        if r.computeIntensity.milli <= 0 {
            throw .invalidRequest(field: "compute_intensity", reason: "must be positive")
        }
        if !(1...ClusterRequest.maxDeadlineHours).contains(r.deadlineHours) {
            throw .invalidRequest(field: "deadline_hours", reason: "must be 1 to \(ClusterRequest.maxDeadlineHours)")
        }
        if r.vramGB < 0 { throw .invalidRequest(field: "vram_gb", reason: "must not be negative") }
        if let m = r.maxGPUs, m < 1 { throw .invalidRequest(field: "max_gpus", reason: "must be at least 1") }
        if let b = r.maxHourlyBudget, b.micro < 0 {
            throw .invalidRequest(field: "max_hourly_budget", reason: "must not be negative")
        }
        if !(r.minReliability >= 0 && r.minReliability <= 1) {
            throw .invalidRequest(field: "min_reliability", reason: "must be between 0 and 1")
        }
    }

    /// Rejects candidates the model cannot price, and sums that could overflow: after this,
    /// `hours × Σ price` and `hours × Σ throughput` fit in 64 bits for any plan.
    private static func validate(_ candidates: [ClusterCandidate], deadlineHours: Int64) throws(ClusterPlanningError) {
        var seen = Set<String>()
        var totalPrice: Int64 = 0
        var totalThroughput: Int64 = 0
        for c in candidates {
            if c.id.isEmpty { throw .invalidCandidate(id: c.id, reason: "has an empty id") }
            if !seen.insert(c.id).inserted { throw .invalidCandidate(id: c.id, reason: "appears twice") }
            if c.gpuCount < 1 { throw .invalidCandidate(id: c.id, reason: "has no GPUs") }
            if c.perfScore.milli <= 0 { throw .invalidCandidate(id: c.id, reason: "has no positive perf score") }
            if c.pricePerHour.micro < 0 { throw .invalidCandidate(id: c.id, reason: "has a negative price") }
            if !(c.reliability >= 0 && c.reliability <= 1) {
                throw .invalidCandidate(id: c.id, reason: "has reliability outside 0...1")
            }
            let (t, o1) = c.perfScore.milli.multipliedReportingOverflow(by: Int64(c.gpuCount))
            let (sumT, o2) = totalThroughput.addingReportingOverflow(t)
            let (sumP, o3) = totalPrice.addingReportingOverflow(c.pricePerHour.micro)
            if o1 || o2 || o3 { throw .tooLarge }
            totalThroughput = sumT
            totalPrice = sumP
        }
        let (_, o4) = totalPrice.multipliedReportingOverflow(by: deadlineHours)
        let (_, o5) = totalThroughput.multipliedReportingOverflow(by: deadlineHours)
        if o4 || o5 { throw .tooLarge }
    }
}

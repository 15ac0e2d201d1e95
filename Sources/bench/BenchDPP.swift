import ArgumentParser
import Brokerage
import Ethereum
import Foundation

/// `bench dpp`: solves DPP instances from JSON and writes each plan with its solve time,
/// so `scripts/bench-dpp` and the pytest can check plans against an exact MILP solver.
///
/// Input: `{"instances": [{"id", "request": {job_name, compute_intensity, vram_gb,
/// deadline_hours, max_gpus?, max_hourly_budget?, same_provider?, min_reliability?},
/// "offers": [{gpu_id, provider, model?, gpu_count, vram_gb, perf_score, price_per_hour,
/// reliability}]}]}`; perf scores and intensity as decimal strings (exact) or numbers,
/// money as decimal strings. Output: `{"results": [...], "total_solve_seconds"}`. Only
/// the planner call is timed, never parsing or writing.
struct BenchDPP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dpp", abstract: "Solve DPP cluster-planning instances from JSON and time the planner.")

    @Option(help: "Instances JSON file, or - for standard input.")
    var input: String = "-"

    @Option(help: "Results JSON file, or - for standard output.")
    var output: String = "-"

    @Option(help: "Solve each instance this many times and keep the fastest time.")
    var repeats: Int = 1

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let data: Data
        do {
            data =
                input == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: input))
        } catch {
            throw ValidationError("cannot read \(input): \(error.localizedDescription)")
        }
        let batch: InstanceBatch
        do { batch = try JSONDecoder().decode(InstanceBatch.self, from: data) } catch {
            throw ValidationError("\(input) is not a DPP instance file: \(error)")
        }
        let clock = ContinuousClock()
        var results: [InstanceResult] = []
        var total = 0.0
        for instance in batch.instances {
            var fastest = Double.infinity
            var outcome: Swift.Result<ClusterPlanOutcome, ClusterPlanningError> = .failure(.tooLarge)
            for _ in 0..<repeats {
                let start = clock.now
                outcome = Swift.Result { () throws(ClusterPlanningError) in
                    try DPPPlanner.plan(instance.request.clusterRequest, candidates: instance.offers.map(\.candidate))
                }
                let elapsed = clock.now - start
                fastest = min(
                    fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            total += fastest
            results.append(InstanceResult(id: instance.id, outcome: outcome, seconds: fastest))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let out = try encoder.encode(Results(results: results, totalSolveSeconds: total))
        if output == "-" {
            FileHandle.standardOutput.write(out)
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            try out.write(to: URL(fileURLWithPath: output))
        }
    }
}

/// A perf score written as a decimal string (exact) or a JSON number (rounded to 3 places).
private struct FlexiblePerfScore: Decodable {
    let score: PerfScore
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            guard let s = PerfScore(parsing: text) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "not a decimal with at most 3 places: \(text)")
            }
            score = s
        } else {
            guard let s = PerfScore(rounding: try c.decode(Double.self)) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a finite number")
            }
            score = s
        }
    }
}

private struct InstanceBatch: Decodable {
    let instances: [Instance]
}

private struct Instance: Decodable {
    let id: String
    let request: RequestDTO
    let offers: [OfferDTO]
}

private struct RequestDTO: Decodable {
    let jobName: String?
    let computeIntensity: FlexiblePerfScore
    let vramGb: Int
    let deadlineHours: Int
    let maxGpus: Int?
    let maxHourlyBudget: USDC?
    let sameProvider: Bool?
    let minReliability: Double?

    enum CodingKeys: String, CodingKey {
        case jobName = "job_name"
        case computeIntensity = "compute_intensity"
        case vramGb = "vram_gb"
        case deadlineHours = "deadline_hours"
        case maxGpus = "max_gpus"
        case maxHourlyBudget = "max_hourly_budget"
        case sameProvider = "same_provider"
        case minReliability = "min_reliability"
    }

    var clusterRequest: ClusterRequest {
        ClusterRequest(
            jobName: jobName ?? "bench", computeIntensity: computeIntensity.score, vramGB: vramGb,
            deadlineHours: deadlineHours, maxGPUs: maxGpus, maxHourlyBudget: maxHourlyBudget,
            sameProvider: sameProvider ?? false, minReliability: minReliability ?? 0)
    }
}

private struct OfferDTO: Decodable {
    let gpuId: String
    let provider: String
    let model: String?
    let gpuCount: Int
    let vramGb: Int
    let perfScore: FlexiblePerfScore
    let pricePerHour: USDC
    let reliability: Double

    enum CodingKeys: String, CodingKey {
        case gpuId = "gpu_id"
        case provider, model
        case gpuCount = "gpu_count"
        case vramGb = "vram_gb"
        case perfScore = "perf_score"
        case pricePerHour = "price_per_hour"
        case reliability
    }

    var candidate: ClusterCandidate {
        ClusterCandidate(
            id: gpuId, provider: provider, model: model ?? "", gpuCount: gpuCount, vramGB: vramGb,
            perfScore: perfScore.score, pricePerHour: pricePerHour, reliability: reliability)
    }
}

private struct InstanceResult: Encodable {
    let id: String
    let outcome: Swift.Result<ClusterPlanOutcome, ClusterPlanningError>
    let seconds: Double

    enum CodingKeys: String, CodingKey {
        case id, feasible, members, contributions, reason, error
        case totalCostMicro = "total_cost_micro"
        case hourlyPriceMicro = "hourly_price_micro"
        case estimatedHours = "estimated_hours"
        case gpuCount = "gpu_count"
        case reasonCode = "reason_code"
        case solveSeconds = "solve_seconds"
        case totalCost = "total_cost"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(seconds, forKey: .solveSeconds)
        switch outcome {
        case .success(.feasible(let plan)):
            try c.encode(true, forKey: .feasible)
            try c.encode(plan.members.map(\.candidate.id), forKey: .members)
            try c.encode(plan.members.map(\.contribution), forKey: .contributions)
            try c.encode(plan.totalCost, forKey: .totalCost)
            try c.encode(plan.totalCost.micro, forKey: .totalCostMicro)
            try c.encode(plan.hourlyPrice.micro, forKey: .hourlyPriceMicro)
            try c.encode(plan.estimatedHours, forKey: .estimatedHours)
            try c.encode(plan.gpuCount, forKey: .gpuCount)
        case .success(.infeasible(let reason)):
            try c.encode(false, forKey: .feasible)
            try c.encode(reason.code, forKey: .reasonCode)
            try c.encode(reason.description, forKey: .reason)
        case .failure(let error):
            try c.encode(false, forKey: .feasible)
            try c.encode(error.description, forKey: .error)
        }
    }
}

private struct Results: Encodable {
    let results: [InstanceResult]
    let totalSolveSeconds: Double

    enum CodingKeys: String, CodingKey {
        case results
        case totalSolveSeconds = "total_solve_seconds"
    }
}

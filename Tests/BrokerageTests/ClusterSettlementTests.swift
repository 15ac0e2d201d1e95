import Brokerage
import Ethereum
import Testing

/// The cluster state machine and the settlement rule, as tables.
@Suite("Cluster settlement")
struct ClusterSettlementTests {
    /// Three members with throughputs 1 : 2 : 4 (×1000 milli) and two payees; 5 hours at
    /// 7.000003 per hour, so shares do not divide evenly.
    static func cluster(status: Cluster.Status = .running, startedAt: Int64? = 1_000) -> Cluster {
        let weights: [Int64] = [100_000, 200_000, 400_000]
        let prices: [Int64] = [1_000_001, 2_000_002, 4_000_003]  // Σ = the hourly price
        let members = weights.enumerated().map { i, w in
            Cluster.Member(
                gpuID: "g\(i)", provider: "vastai", model: "RTX 4090", gpuCount: 1, perfScore: PerfScore(milli: w),
                throughput: PerfScore(milli: w), pricePerHour: USDC(micro: prices[i]),
                payee: .earnings(user: i == 2 ? "owner" : "upstream:vastai"), reservationID: "c-\(i)")
        }
        let hourly = USDC(micro: 7_000_006)
        return Cluster(
            id: "c", userID: "u", jobName: "job", status: status, members: members, hours: 5, hourlyPrice: hourly,
            totalCost: USDC(micro: 35_000_030), start: 0, end: 5 * 3600, startedAt: startedAt, createdAt: 0)
    }

    /// Seconds run before failing → hours charged.
    static let runningCases: [(Int64, Int)] = [
        (0, 0), (1, 1), (3_600, 1), (3_601, 2), (4 * 3_600 + 1, 5), (100 * 3_600, 5),
    ]

    @Test("legal moves: held→running|failed, running→completed|failed, nothing else")
    func transitions() {
        let legal: Set<String> = ["held>running", "held>failed", "running>completed", "running>failed"]
        for from in Cluster.Status.allCases {
            for to in Cluster.Status.allCases {
                #expect(from.canMove(to: to) == legal.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
            }
        }
    }

    @Test("completion charges everything: 10% fee rounded down, the rest split 1:2:4 to the micro")
    func completion() throws {
        let s = try ClusterSettlement(cluster: Self.cluster(), outcome: .completed, now: 99_999, fee: .default)
        #expect(s.chargedHours == 5)
        #expect(s.charged == USDC(micro: 35_000_030))
        #expect(s.refund == .zero)
        #expect(s.fee == USDC(micro: 3_500_003))
        // 31_500_027 split 1:2:4 = 4_500_003.857…, 9_000_007.714…, 18_000_015.428…: the two
        // largest remainders get the two left-over micro-units.
        #expect(s.payouts == [USDC(micro: 4_500_004), USDC(micro: 9_000_008), USDC(micro: 18_000_015)])
        #expect(s.fee.micro + s.payouts.reduce(0) { $0 + $1.micro } == s.charged.micro)
    }

    @Test("failing before start refunds everything and pays nobody")
    func failBeforeStart() throws {
        let s = try ClusterSettlement(
            cluster: Self.cluster(status: .held, startedAt: nil), outcome: .failed, now: 50_000, fee: .default)
        #expect(s.chargedHours == 0 && s.charged == .zero && s.fee == .zero)
        #expect(s.refund == USDC(micro: 35_000_030))
        #expect(s.payouts.allSatisfy { $0 == .zero })
    }

    @Test(
        "failing while running charges every started hour, at most the plan",
        arguments: Self.runningCases)
    func failWhileRunning(elapsed: Int64, hours: Int) throws {
        let s = try ClusterSettlement(
            cluster: Self.cluster(startedAt: 1_000), outcome: .failed, now: 1_000 + elapsed, fee: .default)
        #expect(s.chargedHours == hours)
        #expect(s.charged == USDC(micro: 7_000_006 * Int64(hours)))
        #expect(s.refund.micro + s.charged.micro == 35_000_030)
        #expect(s.fee.micro + s.payouts.reduce(0) { $0 + $1.micro } == s.charged.micro)
    }
}

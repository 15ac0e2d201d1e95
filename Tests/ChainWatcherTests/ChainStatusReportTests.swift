import ChainWatcher
import Ethereum
import EthereumRPC
import Testing

/// What `gp4u chain status` prints: the backfill bar and the lines around it.
@Suite("Chain status report")
struct ChainStatusReportTests {
    typealias F = WatcherFixtures

    static let chain = ChainConfiguration(
        chainID: F.chainID, name: "Dev chain", rpcEndpoints: [try! RPCEndpoint(parsing: "http://127.0.0.1:8545")],
        usdc: F.usdc,
        depositAddress: F.depositAddress, confirmations: 12, pollInterval: .seconds(1))

    static func summary(cursor: UInt64?, incident: ReorgIncident? = nil) -> ChainSummary {
        ChainSummary(
            chainID: F.chainID, cursor: cursor.map { BlockRef(number: $0, hash: F.hash($0)) }, pendingCount: 2,
            creditedCount: 40,
            suspenseCount: 1, lastCreditAt: 0, openIncident: incident)
    }

    static let health = [
        RPCEndpointHealth(
            endpoint: "http://a:8545", healthy: true, score: 1, latency: nil, lastError: nil, requests: 3, failures: 0),
        RPCEndpointHealth(
            endpoint: "http://b:8545", healthy: false, score: 0, latency: nil, lastError: "timeout", requests: 3,
            failures: 3),
    ]

    func lines(cursor: UInt64?, head: UInt64?, start: UInt64?, incident: ReorgIncident? = nil) -> [String] {
        ChainStatusReport.lines(
            Self.chain, Self.summary(cursor: cursor, incident: incident), head: head, health: Self.health, start: start)
    }

    @Test(
        "behind the confirmed tip: a bar measured from where the backfill started",
        arguments: [
            // head 1011 with 12 confirmations: the cursor's goal is block 1000.
            (UInt64(100), UInt64(100), "[..............................] 0%  block 100 of 1000"),
            (UInt64(0), UInt64(250), "[#######.......................] 25%  block 250 of 1000"),
            (UInt64(500), UInt64(750), "[###############...............] 50%  block 750 of 1000"),
            (UInt64(0), UInt64(999), "[#############################.] 99%  block 999 of 1000"),
        ])
    func backfillBar(start: UInt64, cursor: UInt64, bar: String) {
        let out = lines(cursor: cursor, head: 1_011, start: start)
        #expect(out.contains("  backfill  " + bar))
        #expect(out.contains("  cursor    \(cursor)  (lag \(1_011 - cursor) blocks, 12 confirmations required)"))
    }

    @Test("no bar once caught up, before the first cursor, or without a head")
    func noBar() {
        #expect(!lines(cursor: 1_000, head: 1_011, start: 0).contains { $0.contains("backfill") })
        #expect(!lines(cursor: 1_005, head: 1_011, start: 0).contains { $0.contains("backfill") })
        let fresh = lines(cursor: nil, head: 1_011, start: nil)
        #expect(fresh.contains("  cursor    not started") && !fresh.contains { $0.contains("backfill") })
        let unreachable = lines(cursor: 10, head: nil, start: 0)
        #expect(unreachable.contains("  head      unreachable") && unreachable.contains("  cursor    10"))
        #expect(!unreachable.contains { $0.contains("backfill") })
        // A chain younger than its confirmation depth has no confirmed tip yet.
        #expect(!lines(cursor: 0, head: 5, start: 0).contains { $0.contains("backfill") })
    }

    @Test("counts, endpoint health and an open incident")
    func otherLines() {
        let incident = ReorgIncident(
            chainID: F.chainID, height: 90, expected: F.hash(90), found: F.hash(90, salt: 1),
            cursor: BlockRef(number: 95, hash: F.hash(95)))
        let out = lines(cursor: 95, head: 120, start: 0, incident: incident)
        #expect(out.first == "chain \(F.chainID) (Dev chain)")
        #expect(out.contains("  pending   2   credited 40   suspense 1"))
        #expect(out.contains("  last credit 1970-01-01T00:00:00Z"))
        #expect(out.contains("  endpoints 1/2 healthy: http://a:8545 ok, http://b:8545 down"))
        #expect(out.last == "  INCIDENT  \(incident)")
    }
}

import Ethereum
import EthereumRPC
import Testing
import Timekeeping

/// Failover, recovery, backoff and health of the endpoint pool, against two scripted
/// endpoints (`/a` preferred, `/b` backup) of the fixture node and a manual clock.
@Suite("RPC endpoint pool")
struct RPCEndpointPoolTests {
    static let down = RPCFixture.Script.raw(status: 503, body: "unavailable")
    static let head = RPCFixture.Script.answer([.result("0x64")])

    /// Scripts `/a` (queued answers, then `aDefault`) and `/b`, then runs `body` with a
    /// pool over `paths`, its base URL and its clock; returns the fixture and the clock.
    @discardableResult
    func withPool(
        a: [RPCFixture.Script] = [], then aDefault: RPCFixture.Script? = nil, b: RPCFixture.Script? = head,
        paths: [String] = ["a", "b"], _ body: @Sendable (RPCEndpointPool, String, ManualTimeSource) async throws -> Void
    ) async throws -> (fixture: RPCFixture, clock: ManualTimeSource) {
        let fixture = RPCFixture()
        for script in a { await fixture.enqueue("/a", script) }
        if let aDefault { await fixture.setDefault("/a", aDefault) }
        if let b { await fixture.setDefault("/b", b) }
        let clock = ManualTimeSource()
        try await withRPCFixture(fixture) { base in
            try await body(try RPCTest.pool(base, paths, clock: clock), base, clock)
        }
        return (fixture, clock)
    }

    func blockNumber(_ pool: RPCEndpointPool) async throws(RPCError) -> UInt64 {
        try await RPCClient(pool: pool).blockNumber()
    }

    @Test func aRetryableFailureFailsOverAtOnceToTheNextEndpoint() async throws {
        let (fixture, clock) = try await withPool(a: [Self.down]) {
            (pool: RPCEndpointPool, base: String, _: ManualTimeSource) async throws in
            #expect(try await blockNumber(pool) == 100)
            let health = await pool.health()
            #expect(health.map(\.endpoint) == ["\(base)/…", "\(base)/…"])
            #expect(health[0].healthy && health[0].failures == 1 && health[0].lastError?.contains("HTTP 503") == true)
            #expect(health[1].healthy && health[1].failures == 0 && health[1].requests == 1)
            #expect(health[0].score < health[1].score)
        }
        #expect(clock.sleeps.isEmpty)
        #expect(await fixture.hits("/a", "/b") == [1, 1])
    }

    @Test func trafficReturnsToThePreferredEndpointAfterItsCoolDown() async throws {
        let (fixture, _) = try await withPool(
            a: [Self.down, Self.down], then: Self.head, b: .answer([.result("0x65")])
        ) {
            (pool: RPCEndpointPool, _: String, clock: ManualTimeSource) async throws in
            // Two failures in a row mark /a unhealthy; /b answers both calls.
            #expect(try await blockNumber(pool) == 101)
            #expect(try await blockNumber(pool) == 101)
            #expect(await pool.health()[0].healthy == false)
            // During the cool-down /a is not even tried.
            clock.advance(by: .seconds(29))
            #expect(try await blockNumber(pool) == 101)
            // After it, /a is probed, answers, and is preferred again.
            clock.advance(by: .seconds(1))
            #expect(try await blockNumber(pool) == 100)
            #expect(try await blockNumber(pool) == 100)
            #expect(await pool.health()[0].healthy)
        }
        #expect(await fixture.hits("/a", "/b") == [4, 3])
    }

    @Test func aFailedProbeRestartsTheCoolDown() async throws {
        let (fixture, _) = try await withPool(then: Self.down) {
            (pool: RPCEndpointPool, _: String, clock: ManualTimeSource) async throws in
            _ = try await blockNumber(pool)
            _ = try await blockNumber(pool)
            clock.advance(by: .seconds(30))
            _ = try await blockNumber(pool)  // the probe of /a fails, /b answers
            clock.advance(by: .seconds(10))
            _ = try await blockNumber(pool)  // /a is cooling down again: not tried
            #expect(await pool.health()[0].healthy == false)
        }
        #expect(await fixture.hits("/a", "/b") == [3, 4])
    }

    @Test func retriesBackOffExponentiallyWithJitterAndStopAtMaxAttempts() async throws {
        let (fixture, clock) = try await withPool(then: .raw(status: 429, body: "slow down"), paths: ["a"]) {
            (pool: RPCEndpointPool, base: String, _: ManualTimeSource) async throws in
            await #expect(throws: RPCError.httpStatus(429, endpoint: "\(base)/…")) { try await blockNumber(pool) }
        }
        #expect(await fixture.hits("/a") == 4)
        // Jitter 0.5 puts each wait at 3/4 of its ceiling: 100 ms, 200 ms, 400 ms.
        #expect(clock.sleeps == [.milliseconds(75), .milliseconds(150), .milliseconds(300)])
    }

    @Test func whenEveryEndpointFailedOnceTheNextRoundWaits() async throws {
        let (_, clock) = try await withPool(
            a: [Self.down], then: Self.head, b: .answer([.error(-32005, "request rate exceeded")])
        ) {
            (pool: RPCEndpointPool, _: String, _: ManualTimeSource) async throws in
            #expect(try await blockNumber(pool) == 100)
        }
        #expect(clock.sleeps == [.milliseconds(75)])
    }

    @Test func backoffIsCappedAndNeverZero() {
        let c = RPCEndpointPool.Configuration(backoffBase: .milliseconds(100), backoffCap: .seconds(1))
        #expect(c.backoff(round: 1, unit: 0) == .milliseconds(50))
        #expect(c.backoff(round: 1, unit: 1) == .milliseconds(100))
        #expect(c.backoff(round: 3, unit: 1) == .milliseconds(400))
        #expect(c.backoff(round: 9, unit: 1) == .seconds(1))
        #expect(c.backoff(round: 64, unit: .nan) == .milliseconds(500))
    }

    @Test(
        "range and permanent errors are returned at once and do not hurt health",
        arguments: [
            RPCFixture.Item.error(-32005, "query returned more than 10000 results"),
            .error(-32602, "invalid argument 0: hex string has leading zero digits"),
            .error(-32601, "the method eth_foo does not exist/is not available"),
        ])
    func notRetried(item: RPCFixture.Item) async throws {
        let (fixture, clock) = try await withPool(then: .answer([item])) {
            (pool: RPCEndpointPool, _: String, _: ManualTimeSource) async throws in
            await #expect(throws: RPCError.self) { try await blockNumber(pool) }
            let health = await pool.health()
            #expect(health[0].healthy && health[0].failures == 0 && health[0].requests == 1)
        }
        #expect(await fixture.hits("/a", "/b") == [1, 0])
        #expect(clock.sleeps.isEmpty)
    }

    @Test func aMalformedAnswerIsNotRetriedButCountsAgainstTheEndpoint() async throws {
        let (fixture, _) = try await withPool(then: .answer([.result("0x0064")])) {
            (pool: RPCEndpointPool, base: String, _: ManualTimeSource) async throws in
            let reason = "block number: hex quantity must not have leading zeros"
            await #expect(throws: RPCError.malformedResponse(reason, endpoint: "\(base)/…")) {
                try await blockNumber(pool)
            }
            #expect(await pool.health()[0].failures == 1)
        }
        #expect(await fixture.hits("/b") == 0)
    }

    @Test func onlyTheFailedCallsOfABatchAreSentAgain() async throws {
        let one = RPCFixture.Item.result(RPCTest.block(1, hash: 1, parent: 0))
        let two = RPCFixture.Item.result(RPCTest.block(2, hash: 2, parent: 1))
        let (fixture, _) = try await withPool(
            a: [.answer([one, .error(-32000, "header not found")]), .answer([two])], b: .answer([one, two])
        ) { (pool: RPCEndpointPool, _: String, _: ManualTimeSource) async throws in
            let headers = try await RPCClient(pool: pool).blocks([1, 2])
            #expect(headers.map { $0?.number } == [1, 2])
        }
        // The second request carries only block 2, to the same (healthy) endpoint.
        #expect(await fixture.received.map(\.batch) == [true, true])
        #expect(await fixture.hits("/b") == 0)
    }

    @Test func noEndpointsIsAClearError() async {
        let pool = RPCEndpointPool(endpoints: [], transport: RPCTest.transport(), clock: ManualTimeSource())
        await #expect(throws: RPCError.noEndpoints) { try await blockNumber(pool) }
    }

    @Test func errorsAndHealthNeverShowTheFullURL() async throws {
        let fixture = RPCFixture()
        await fixture.setDefault("/" + RPCTest.secret, Self.down)
        try await withRPCFixture(fixture) { base in
            let pool = try RPCTest.pool(base, [RPCTest.secret], clock: ManualTimeSource())
            let error = await #expect(throws: RPCError.self) { try await blockNumber(pool) }
            let shown = "\(String(describing: error)) \(await pool.health())"
            #expect(!shown.contains("SECRET"))
            #expect(shown.contains("\(base)/…"))
        }
    }
}

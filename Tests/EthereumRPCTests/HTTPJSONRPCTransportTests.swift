import Ethereum
import EthereumRPC
import JSON
import Testing

/// The live transport against the local fixture node: envelopes, batches, HTTP status
/// mapping, timeouts, size limit, malformed answers, and no URL in any message.
@Suite("JSON-RPC HTTP transport")
struct HTTPJSONRPCTransportTests {
    /// Sends one call to the fixture's secret path and returns the reply or the error.
    func single(_ script: RPCFixture.Script, transport: HTTPJSONRPCTransport = RPCTest.transport()) async throws
        -> Result<RPCReply, RPCError>
    {
        let fixture = RPCFixture()
        await fixture.enqueue("/" + RPCTest.secret, script)
        return try await withRPCFixture(fixture) { base in
            let endpoint = try RPCTest.endpoint(base, RPCTest.secret)
            do throws(RPCError) {
                return .success(try await transport.send(RPCRequest("eth_blockNumber"), to: endpoint))
            } catch {
                #expect(!error.description.contains("SECRET") && !String(reflecting: error).contains("SECRET"))
                return .failure(error)
            }
        }
    }

    @Test func singleCallSendsAJSONRPC20EnvelopeAndReturnsTheResult() async throws {
        let fixture = RPCFixture()
        await fixture.enqueue("/a", .answer([.result("0x10")]))
        let reply = try await withRPCFixture(fixture) { base in
            try await RPCTest.transport().send(
                RPCRequest("eth_getBalance", ["0xab", "latest"]), to: RPCTest.endpoint(base, "a"))
        }
        #expect(try reply.get() == "0x10")
        let sent = try #require(await fixture.received.first)
        #expect(!sent.batch)
        #expect(sent.calls[0]["jsonrpc"] == "2.0" && sent.calls[0]["method"] == "eth_getBalance")
        #expect(sent.calls[0]["params"] == .array(["0xab", "latest"]))
    }

    @Test func batchRepliesAreMatchedByIdNotOrder() async throws {
        let fixture = RPCFixture()
        await fixture.enqueue(
            "/a", .answer([.result("0x1"), .error(-32602, "invalid argument"), .result("0x3")], reversed: true))
        let replies = try await withRPCFixture(fixture) { base in
            try await RPCTest.transport().send(
                batch: [RPCRequest("m1"), RPCRequest("m2"), RPCRequest("m3")], to: RPCTest.endpoint(base, "a"))
        }
        #expect(try replies[0].get() == "0x1" && (try replies[2].get()) == "0x3")
        #expect(throws: RPCErrorObject(code: -32602, message: "invalid argument")) { try replies[1].get() }
        let sent = try #require(await fixture.received.first)
        #expect(sent.batch && sent.methods == ["m1", "m2", "m3"])
        #expect(Set(sent.calls.compactMap { $0["id"] }).count == 3)
    }

    @Test(
        "HTTP status mapping",
        arguments: [
            (429, "{}", RPCErrorClass.retryable), (500, "oops", .retryable), (503, "", .retryable),
            (404, "not here", .retryable), (401, "{\"message\":\"bad key\"}", .retryable),
        ])
    func httpStatus(status: Int, body: String, expected: RPCErrorClass) async throws {
        let result = try await single(.raw(status: status, body: body))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error == .httpStatus(status, endpoint: error.endpoint ?? ""))
        #expect(error.classification == expected)
    }

    @Test func a4xxCarryingAJSONRPCErrorIsThatError() async throws {
        let body = #"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"invalid params"}}"#
        let result = try await single(.raw(status: 400, body: body))
        guard case .failure(.node(let code, let message, _)) = result else {
            Issue.record("expected a node error")
            return
        }
        #expect(code == -32602 && message == "invalid params")
    }

    @Test func aSlowNodeTimesOut() async throws {
        let result = try await single(
            .answer([.result("0x1")], delay: .seconds(1)), transport: RPCTest.transport(timeout: .milliseconds(200)))
        guard case .failure(let error) = result else {
            Issue.record("expected a timeout")
            return
        }
        #expect(error == .timeout(endpoint: error.endpoint ?? ""))
        #expect(error.classification == .retryable)
    }

    @Test func aRefusedConnectionIsRetryable() async throws {
        // Port 1 on loopback: nothing listens there.
        let endpoint = try RPCEndpoint(parsing: "http://127.0.0.1:1/\(RPCTest.secret)")
        await #expect(throws: RPCError.connectionFailed(endpoint: "http://127.0.0.1:1/…")) {
            try await RPCTest.transport(timeout: .seconds(5)).send(RPCRequest("eth_chainId"), to: endpoint)
        }
    }

    @Test func anOversizedBodyIsRefusedAsRangeTooLarge() async throws {
        let big = JSONValue.string(String(repeating: "a", count: 4_096))
        let result = try await single(.answer([.result(big)]), transport: RPCTest.transport(maxBytes: 1_024))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error == .responseTooLarge(limit: 1_024, endpoint: error.endpoint ?? ""))
        #expect(error.classification == .rangeTooLarge(suggested: nil))
    }

    @Test(
        "malformed answers are refused",
        arguments: [
            "<html>maintenance</html>",
            #"{"jsonrpc":"2.0","result":"0x1"}"#,
            #"{"jsonrpc":"2.0","id":7,"result":"0x1"}"#,
            #"{"jsonrpc":"2.0","id":1}"#,
            #"{"jsonrpc":"2.0","id":1,"error":{"message":"no code"}}"#,
            #"[{"jsonrpc":"2.0","id":1,"result":"0x1"}]"#,
            "42",
        ])
    func malformed(body: String) async throws {
        let result = try await single(.raw(status: 200, body: body))
        guard case .failure(let error) = result, case .malformedResponse = error else {
            Issue.record("expected malformedResponse, got \(result)")
            return
        }
        #expect(error.classification == .permanent)
    }

    @Test(
        "malformed batches are refused",
        arguments: [
            #"[{"jsonrpc":"2.0","id":1,"result":"0x1"}]"#,
            #"[{"jsonrpc":"2.0","id":1,"result":"0x1"},{"jsonrpc":"2.0","id":1,"result":"0x2"}]"#,
            #"[{"jsonrpc":"2.0","id":1,"result":"0x1"},{"jsonrpc":"2.0","id":3,"result":"0x2"}]"#,
            #"{"jsonrpc":"2.0","id":1,"result":"0x1"}"#,
        ])
    func malformedBatch(body: String) async throws {
        let fixture = RPCFixture()
        await fixture.enqueue("/a", .raw(status: 200, body: body))
        try await withRPCFixture(fixture) { base in
            let endpoint = try RPCTest.endpoint(base, "a")
            await #expect {
                try await RPCTest.transport().send(batch: [RPCRequest("m1"), RPCRequest("m2")], to: endpoint)
            } throws: { error in
                if case .malformedResponse = error as? RPCError { true } else { false }
            }
        }
    }

    @Test func aBatchRefusedAsAWholeReportsTheNodeError() async throws {
        let fixture = RPCFixture()
        await fixture.enqueue(
            "/a",
            .raw(
                status: 200,
                body: #"{"jsonrpc":"2.0","id":null,"error":{"code":-32005,"message":"batch limit exceeded"}}"#))
        try await withRPCFixture(fixture) { base in
            let endpoint = try RPCTest.endpoint(base, "a")
            await #expect(
                throws: RPCError.node(code: -32005, message: "batch limit exceeded", endpoint: endpoint.redacted)
            ) {
                try await RPCTest.transport().send(batch: [RPCRequest("m1"), RPCRequest("m2")], to: endpoint)
            }
        }
    }
}

import Ethereum
import EthereumRPC
import FixtureHTTP
import Foundation
import Hummingbird
import JSON
import NIOCore
import Timekeeping

/// A scripted JSON-RPC node for the tests: per path (one path = one "endpoint"), a queue
/// of scripted answers, then a default. Answers built from items echo the request ids
/// (in reverse order for batches when asked, to prove replies are matched by id).
/// An unscripted call answers HTTP 404 so a test notices it.
actor RPCFixture {
    enum Item: Sendable {
        case result(JSONValue)
        case error(Int, String)
    }

    enum Script: Sendable {
        /// One item per call of the request, ids echoed.
        case answer([Item], reversed: Bool = false, delay: Duration = .zero)
        /// A literal HTTP answer.
        case raw(status: Int, body: String, delay: Duration = .zero)
    }

    /// One request as received.
    struct Received: Sendable {
        let path: String
        let batch: Bool
        let calls: [JSONValue]
        var methods: [String] { calls.compactMap { $0["method"]?.string } }
    }

    private var queues: [String: [Script]] = [:]
    private var defaults: [String: Script] = [:]
    private(set) var received: [Received] = []

    func enqueue(_ path: String, _ scripts: Script...) { queues[path, default: []] += scripts }
    func setDefault(_ path: String, _ script: Script) { defaults[path] = script }
    func hits(_ path: String) -> Int { received.filter { $0.path == path }.count }
    func hits(_ paths: String...) -> [Int] { paths.map { hits($0) } }

    func handle(path: String, body: Data) -> (status: Int, body: String, delay: Duration) {
        guard let request = try? JSONDecoder().decode(JSONValue.self, from: body) else {
            return (400, "not json", .zero)
        }
        let batch: Bool
        let calls: [JSONValue]
        if case .array(let items) = request {
            (batch, calls) = (true, items)
        } else {
            (batch, calls) = (false, [request])
        }
        received.append(Received(path: path, batch: batch, calls: calls))
        let script: Script
        if var queue = queues[path], !queue.isEmpty {
            script = queue.removeFirst()
            queues[path] = queue
        } else if let fallback = defaults[path] {
            script = fallback
        } else {
            return (404, "no fixture for \(path)", .zero)
        }
        switch script {
        case .raw(let status, let text, let delay):
            return (status, text, delay)
        case .answer(let items, let reversed, let delay):
            var replies: [JSONValue] = zip(calls, items).map { call, item in
                var reply: [String: JSONValue] = ["jsonrpc": "2.0", "id": call["id"] ?? .null]
                switch item {
                case .result(let value): reply["result"] = value
                case .error(let code, let message):
                    reply["error"] = .object(["code": .number(Double(code)), "message": .string(message)])
                }
                return .object(reply)
            }
            if reversed { replies.reverse() }
            let payload: JSONValue = batch ? .array(replies) : replies.first ?? .null
            let data = (try? JSONEncoder().encode(payload)) ?? Data()
            return (200, String(decoding: data, as: UTF8.self), delay)
        }
    }
}

/// Runs `fixture` on a local server; `body` gets the base URL (`http://127.0.0.1:PORT`).
func withRPCFixture<T: Sendable>(_ fixture: RPCFixture, _ body: @Sendable (String) async throws -> T) async throws -> T
{
    let router = Router()
    router.post("**") { request, _ -> Response in
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let answer = await fixture.handle(path: request.uri.path, body: Data(buffer.readableBytesView))
        if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
    return try await withFixtureHTTPServer(router, body)
}

/// Test helpers shared by the RPC suites.
enum RPCTest {
    /// A path that looks like a provider key, to prove it never shows in messages.
    static let secret = "v2/SECRET-KEY-123"

    static func endpoint(_ base: String, _ path: String) throws -> RPCEndpoint {
        try RPCEndpoint(parsing: "\(base)/\(path)")
    }

    /// A transport with a short timeout: tests that exercise timeouts delay for 1 s.
    static func transport(timeout: Duration = .seconds(10), maxBytes: Int = 1 << 20) -> HTTPJSONRPCTransport {
        HTTPJSONRPCTransport(timeout: timeout, maxResponseBytes: maxBytes)
    }

    /// A pool over `paths` of the fixture with a manual clock and fixed jitter 0.5.
    static func pool(
        _ base: String, _ paths: [String], clock: ManualTimeSource, configuration: RPCEndpointPool.Configuration = fast,
        transport: HTTPJSONRPCTransport = transport()
    ) throws -> RPCEndpointPool {
        RPCEndpointPool(
            endpoints: try paths.map { try endpoint(base, $0) }, transport: transport, configuration: configuration,
            clock: clock,
            jitter: { 0.5 })
    }

    static let fast = RPCEndpointPool.Configuration(
        maxAttempts: 4, backoffBase: .milliseconds(100), backoffCap: .seconds(1), failuresBeforeUnhealthy: 2,
        cooldown: .seconds(30))

    static func hash(_ byte: UInt8) -> String { Hex.encode([UInt8](repeating: byte, count: 32)) }

    static func block(_ number: UInt64, hash: UInt8, parent: UInt8) -> JSONValue {
        .object([
            "number": .string(Hex.quantity(number)), "hash": .string(Self.hash(hash)),
            "parentHash": .string(Self.hash(parent)),
            "timestamp": "0x6553f100", "transactions": .array([]),
        ])
    }
}

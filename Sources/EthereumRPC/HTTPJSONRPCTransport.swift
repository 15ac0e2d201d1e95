import AsyncHTTPClient
import Foundation
import JSON
import NIOCore
import NIOHTTP1

/// The live transport: JSON-RPC 2.0 over HTTP POST with async-http-client.
///
/// Connections are pooled and kept alive by the `HTTPClient` (one per process is enough;
/// the default is `HTTPClient.shared`). Each call has a deadline covering connect, send
/// and the whole body, and bodies are capped so a runaway `eth_getLogs` answer cannot
/// exhaust memory (over the cap it is reported as "range too large"). HTTP 429 and 5xx
/// become retryable errors; a 4xx carrying a JSON-RPC error is returned as that error.
public struct HTTPJSONRPCTransport: JSONRPCTransport {
    public let client: HTTPClient
    /// Deadline for one HTTP exchange, body included.
    public var timeout: Duration
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes: Int

    public init(client: HTTPClient = .shared, timeout: Duration = .seconds(15), maxResponseBytes: Int = 32 << 20) {
        self.client = client
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    public func send(_ request: RPCRequest, to endpoint: RPCEndpoint) async throws(RPCError) -> RPCReply {
        let body = try await post(Self.envelope(request, id: 1), to: endpoint)
        let parsed = try Self.decode(body, endpoint: endpoint)
        switch parsed {
        case .object:
            let (id, reply) = try Self.reply(parsed, endpoint: endpoint)
            // A node may answer a request it could not parse with id null and an error.
            guard id == 1 || (id == nil && (try? reply.get()) == nil) else {
                throw .malformedResponse("reply id does not match the request", endpoint: endpoint.redacted)
            }
            return reply
        default:
            throw .malformedResponse(
                "expected a JSON-RPC response object, got \(parsed.kind)", endpoint: endpoint.redacted)
        }
    }

    public func send(batch requests: [RPCRequest], to endpoint: RPCEndpoint) async throws(RPCError) -> [RPCReply] {
        guard !requests.isEmpty else { return [] }
        let body = try await post(.array(requests.enumerated().map { Self.envelope($1, id: $0 + 1) }), to: endpoint)
        let parsed = try Self.decode(body, endpoint: endpoint)
        switch parsed {
        case .array(let items):
            var replies = [RPCReply?](repeating: nil, count: requests.count)
            for item in items {
                let (id, reply) = try Self.reply(item, endpoint: endpoint)
                guard let id, (1...requests.count).contains(id), replies[id - 1] == nil else {
                    throw .malformedResponse("batch reply has an unknown or repeated id", endpoint: endpoint.redacted)
                }
                replies[id - 1] = reply
            }
            guard replies.allSatisfy({ $0 != nil }) else {
                throw .malformedResponse(
                    "batch answered \(items.count) of \(requests.count) calls", endpoint: endpoint.redacted)
            }
            return replies.compactMap { $0 }
        case .object:
            // Some nodes refuse a whole batch (too many calls, rate limit) with one error.
            let (_, reply) = try Self.reply(parsed, endpoint: endpoint)
            if case .failure(let error) = reply { throw RPCError(node: error, endpoint: endpoint) }
            throw .malformedResponse("expected a batch array, got a single result", endpoint: endpoint.redacted)
        default:
            throw .malformedResponse("expected a JSON-RPC batch array, got \(parsed.kind)", endpoint: endpoint.redacted)
        }
    }

    static func envelope(_ request: RPCRequest, id: Int) -> JSONValue {
        .object([
            "jsonrpc": .string("2.0"), "id": .number(Double(id)), "method": .string(request.method),
            "params": .array(request.params),
        ])
    }

    private func post(_ payload: JSONValue, to endpoint: RPCEndpoint) async throws(RPCError) -> ByteBuffer {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "gp4u-chain/1.0")
        request.body = .bytes(ByteBuffer(string: payload.jsonText))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
            body = try await response.body.collect(upTo: maxResponseBytes)
        } catch is NIOTooManyBytesError {
            throw .responseTooLarge(limit: maxResponseBytes, endpoint: endpoint.redacted)
        } catch {
            throw Self.classify(error, endpoint: endpoint)
        }
        let status = Int(response.status.code)
        if status == 429 || status >= 500 { throw .httpStatus(status, endpoint: endpoint.redacted) }
        if !(200..<300).contains(status) {
            // Some providers send JSON-RPC errors (bad params) with a 4xx status.
            if let parsed = try? Self.decode(body, endpoint: endpoint),
                case (_, .failure(let error))? = try? Self.reply(parsed, endpoint: endpoint)
            {
                throw RPCError(node: error, endpoint: endpoint)
            }
            throw .httpStatus(status, endpoint: endpoint.redacted)
        }
        return body
    }

    static func classify(_ error: any Error, endpoint: RPCEndpoint) -> RPCError {
        if error is CancellationError { return .cancelled }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return .timeout(endpoint: endpoint.redacted)
            case .cancelled: return .cancelled
            default: break
            }
        }
        return .connectionFailed(endpoint: endpoint.redacted)
    }

    static func decode(_ body: ByteBuffer, endpoint: RPCEndpoint) throws(RPCError) -> JSONValue {
        do {
            return try JSONValue(parsing: body.readableBytesView)
        } catch {
            throw .malformedResponse("body is not JSON (\(error))", endpoint: endpoint.redacted)
        }
    }

    /// Reads one response object: its id (nil when null) and its result or error.
    static func reply(_ value: JSONValue, endpoint: RPCEndpoint) throws(RPCError) -> (id: Int?, reply: RPCReply) {
        func malformed(_ reason: String) -> RPCError { .malformedResponse(reason, endpoint: endpoint.redacted) }
        guard case .object(let members) = value else {
            throw malformed("response item is \(value.kind), not an object")
        }
        let id: Int?
        switch members["id"] {
        case .number(let n)? where n.rounded() == n && abs(n) < 1e15: id = Int(n)
        case .null?: id = nil
        default: throw malformed("response has no numeric id")
        }
        if let error = members["error"], error != .null {
            guard case .number(let code)? = error["code"], code.rounded() == code, abs(code) < 1e15,
                let message = error["message"]?.string
            else { throw malformed("error object lacks an integer code or a message") }
            return (id, .failure(RPCErrorObject(code: Int(code), message: message, data: error["data"])))
        }
        guard let result = members["result"] else { throw malformed("response has neither result nor error") }
        return (id, .success(result))
    }
}

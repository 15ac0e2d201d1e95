import AsyncHTTPClient
import Brokerage
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP edge shared by the adapters: sends one request through async-http-client,
/// paced by the provider's token bucket, and maps every failure to a
/// ``ProviderCallError`` the resilience layer understands (429 → rate limited, 5xx →
/// server, timeouts, transport). Error messages never contain URLs or keys.
public struct ProviderHTTP: Sendable {
    public let client: HTTPClient
    /// Deadline for one request, body included.
    public var timeout: Duration
    /// Bodies larger than this are refused as malformed (a runaway response).
    public var maxBodyBytes: Int

    public init(client: HTTPClient, timeout: Duration = .seconds(20), maxBodyBytes: Int = 64 << 20) {
        self.client = client
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    /// Sends a request and returns the body of a 2xx answer.
    public func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], json body: Data? = nil,
        pacer: RequestPacer
    ) async throws -> Data {
        let answer = try await exchange(method, url, headers: headers, json: body, pacer: pacer)
        if answer.status == 429 { throw ProviderCallError.rateLimited }
        if answer.status >= 500 { throw ProviderCallError.server(status: answer.status) }
        if !(200..<300).contains(answer.status) { throw ProviderCallError.client(status: answer.status) }
        return answer.body
    }

    /// Sends a request and returns whatever status and body came back, for callers that
    /// read a provider's error bodies (Vast's `no_such_ask`); throws only when no answer
    /// came (timeout, transport) or the body is too large.
    public func exchange(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], json body: Data? = nil,
        pacer: RequestPacer
    ) async throws -> (status: Int, body: Data) {
        try await pacer.beforeRequest()
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "gp4u-market/1.0")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let nanos = Int64(timeout.seconds * 1e9)
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(nanos))
            let buffer = try await response.body.collect(upTo: maxBodyBytes)
            return (Int(response.status.code), Data(buffer.readableBytesView))
        } catch is NIOTooManyBytesError {
            throw ProviderCallError.malformed("body larger than \(maxBodyBytes) bytes")
        } catch {
            throw Self.classify(error)
        }
    }

    static func classify(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return ProviderCallError.timeout
            case .cancelled: return CancellationError()
            default: return ProviderCallError.transport("HTTP client error")
            }
        }
        if error is ChannelError { return ProviderCallError.transport("connection failed") }
        return ProviderCallError.transport("connection failed")
    }
}

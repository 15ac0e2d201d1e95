import Brokerage
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Timekeeping

/// `Idempotency-Key` for money-moving POSTs, as Stripe does it: the first request with a
/// key runs and its successful response is stored; a retry with the same key and body
/// replays that response; the same key with another body is 409. A request that fails
/// frees its key, so the client can retry after fixing the cause.
struct Idempotency {
    let store: SQLStore
    let clock: any TimeSource

    func run(
        _ request: Request, context: AppRequestContext, body: ByteBuffer,
        _ work: () async throws -> (status: HTTPResponse.Status, json: Data)
    ) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            let (status, json) = try await work()
            return Self.response(status: status, json: json)
        }
        guard !key.isEmpty, key.count <= 255 else {
            throw APIError.validation("Idempotency-Key must be 1 to 255 characters", field: "Idempotency-Key")
        }
        let user = try context.requireIdentity().userID
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: Data(buffer: body))
        let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        switch try await store.claimIdempotency(userID: user, key: key, requestHash: hash, now: clock.epochSeconds) {
        case .replay(let status, let json):
            var response = Self.response(status: HTTPResponse.Status(code: status), json: Data(json.utf8))
            response.headers[.idempotentReplayed] = "true"
            return response
        case .mismatch:
            throw APIError(
                .conflict, code: "idempotency_key_reused",
                message: "this Idempotency-Key was used with another request; use a new key")
        case .inProgress:
            throw APIError(
                .conflict, code: "idempotency_key_in_progress",
                message: "a request with this Idempotency-Key is still running; retry shortly",
                headers: [.retryAfter: "1"])
        case .claimed:
            do {
                let (status, json) = try await work()
                try await store.completeIdempotency(
                    userID: user, key: key, status: Int(status.code), body: String(decoding: json, as: UTF8.self))
                return Self.response(status: status, json: json)
            } catch {
                try? await store.releaseIdempotency(userID: user, key: key)
                throw error
            }
        }
    }

    static func response(status: HTTPResponse.Status, json: Data) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}

/// Encodes like `Response.json`, for handlers that must keep the bytes.
func encodeJSON(_ value: some Encodable) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
}

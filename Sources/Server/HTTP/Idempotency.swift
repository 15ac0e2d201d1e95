import Brokerage
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Timekeeping

/// `Idempotency-Key` for money-moving POSTs, as Stripe does it: the first request with a
/// key runs and its response is stored in the same database transaction as everything it
/// changed, so an answer is never lost after the money moved; a retry with the same key
/// and body replays that response; the same key with another body is 409. A request that
/// fails changes nothing and keeps no key, so the client can retry after fixing the cause.
/// With or without a key, the work commits whole or not at all.
struct Idempotency {
    let store: SQLStore
    let clock: any TimeSource

    /// A concurrent request with the same key committed first.
    private struct Lost: Error {}

    func run(
        _ request: Request, context: AppRequestContext, body: ByteBuffer,
        _ work: @escaping @Sendable () async throws -> (status: HTTPResponse.Status, json: Data)
    ) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            let (status, json) = try await store.atomically(work)
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
        let (store, now) = (store, clock.epochSeconds)
        for _ in 1...3 {
            do {
                let outcome = try await store.atomically { () -> Outcome in
                    let claim: IdempotencyClaim
                    do {
                        claim = try await store.claimIdempotency(userID: user, key: key, requestHash: hash, now: now)
                    } catch StorageError.uniqueViolation { throw Lost() }
                    guard claim == .claimed else { return .earlier(claim) }
                    let (status, json) = try await work()
                    try await store.completeIdempotency(
                        userID: user, key: key, status: Int(status.code), body: String(decoding: json, as: UTF8.self))
                    return .ran(status, json)
                }
                switch outcome {
                case .ran(let status, let json): return Self.response(status: status, json: json)
                case .earlier(let claim): return try Self.answer(claim)
                }
            } catch is Lost {
                // Its answer is committed now, unless it failed and left the key free.
                if let claim = try await store.idempotencyRecord(userID: user, key: key, requestHash: hash) {
                    return try Self.answer(claim)
                }
            }
        }
        throw APIError(
            .conflict, code: "idempotency_key_in_progress",
            message: "requests with this Idempotency-Key keep racing; retry shortly", headers: [.retryAfter: "1"])
    }

    private enum Outcome: Sendable {
        case ran(HTTPResponse.Status, Data)
        case earlier(IdempotencyClaim)
    }

    /// The answer for a key an earlier request used.
    private static func answer(_ claim: IdempotencyClaim) throws -> Response {
        switch claim {
        case .replay(let status, let json):
            var response = Self.response(status: HTTPResponse.Status(code: status), json: Data(json.utf8))
            response.headers[.idempotentReplayed] = "true"
            return response
        case .mismatch:
            throw APIError(
                .conflict, code: "idempotency_key_reused",
                message: "this Idempotency-Key was used with another request; use a new key")
        case .inProgress, .claimed:
            throw APIError(
                .conflict, code: "idempotency_key_in_progress",
                message: "a request with this Idempotency-Key is still running; retry shortly",
                headers: [.retryAfter: "1"])
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

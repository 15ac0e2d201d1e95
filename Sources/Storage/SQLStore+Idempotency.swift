import Foundation

/// Stored answers for `Idempotency-Key`: the first request with a key reserves it and
/// stores its response in the same transaction as its effects, and a retry with the same
/// key and body gets that response again.
public enum IdempotencyClaim: Sendable, Equatable {
    /// This request owns the key; run it and `completeIdempotency` in the same transaction.
    case claimed
    /// A finished earlier request with the same body: replay `status` and `body`.
    case replay(status: Int, body: String)
    /// The key was used with another request body.
    case mismatch
    /// A request with this key is still running (a reservation left by an older version).
    case inProgress
}

extension SQLStore {
    /// What the key holds; when unused, reserves it. Call inside ``atomically(_:)``: the
    /// reservation commits with the request's effects or not at all. A concurrent request
    /// with the same key that commits first makes the reservation fail with
    /// `StorageError.uniqueViolation`; ``idempotencyRecord(userID:key:requestHash:)``
    /// then reads its answer.
    public func claimIdempotency(userID: String, key: String, requestHash: String, now: Int64) async throws
        -> IdempotencyClaim
    {
        if let found = try await idempotencyRecord(userID: userID, key: key, requestHash: requestHash) { return found }
        try await db.query(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, status, created_at) VALUES ($1, $2, $3, 0, $4)",
            [.text(userID), .text(key), .text(requestHash), .int(now)])
        return .claimed
    }

    /// The committed use of the key, if any.
    public func idempotencyRecord(userID: String, key: String, requestHash: String) async throws -> IdempotencyClaim? {
        guard
            let row = try await db.first(
                "SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2",
                [.text(userID), .text(key)])
        else { return nil }
        if try row.string("request_hash") != requestHash { return .mismatch }
        let status = try row.int("status")
        if status == 0 { return .inProgress }
        return .replay(status: Int(status), body: try row.optionalString("response") ?? "")
    }

    public func completeIdempotency(userID: String, key: String, status: Int, body: String) async throws {
        try await db.query(
            "UPDATE idempotency_keys SET status = $1, response = $2 WHERE user_id = $3 AND key = $4",
            [.int(Int64(status)), .text(body), .text(userID), .text(key)])
    }
}

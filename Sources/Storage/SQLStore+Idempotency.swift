import Foundation

/// Stored answers for `Idempotency-Key`: the first request with a key reserves it, its
/// response is saved, and a retry with the same key and body gets that response again.
public enum IdempotencyClaim: Sendable, Equatable {
    /// This request owns the key; run it, then `completeIdempotency` or `releaseIdempotency`.
    case claimed
    /// A finished earlier request with the same body: replay `status` and `body`.
    case replay(status: Int, body: String)
    /// The key was used with another request body.
    case mismatch
    /// The first request with this key is still running.
    case inProgress
}

extension SQLStore {
    public func claimIdempotency(userID: String, key: String, requestHash: String, now: Int64) async throws
        -> IdempotencyClaim
    {
        do {
            try await db.query(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, status, created_at) VALUES ($1, $2, $3, 0, $4)",
                [.text(userID), .text(key), .text(requestHash), .int(now)])
            return .claimed
        } catch let e as StorageError {
            guard case .uniqueViolation = e else { throw e }
        }
        guard
            let row = try await db.first(
                "SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2",
                [.text(userID), .text(key)])
        else { return .inProgress }
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

    /// Frees a key whose request failed on our side, so the client may retry with it.
    public func releaseIdempotency(userID: String, key: String) async throws {
        try await db.query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2", [.text(userID), .text(key)])
    }
}

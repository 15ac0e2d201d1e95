import Brokerage
import Foundation
import Storage
import TestSupport
import Testing

@Suite("Housekeeping")
struct HousekeepingTests {
    @Test(
        "expired sessions, nonces, old idempotency keys and attempts go; live ones stay", arguments: Backend.available)
    func prune(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let now: Int64 = 10_000_000
            _ = try await store.createUser(
                User(id: "u", email: try Email("u@example.com"), passwordHash: "x", role: .renter, createdAt: 0))
            for i in 0..<1_205 {
                try await store.createSession(
                    Session(id: "old\(i)", userID: "u", createdAt: 0, expiresAt: now - 90_000))
            }
            try await store.createSession(Session(id: "live", userID: "u", createdAt: 0, expiresAt: now + 3_600))
            try await store.createSession(Session(id: "recent", userID: "u", createdAt: 0, expiresAt: now - 3_600))
            try await store.issueSIWENonce("n-old", userID: "u", expiresAt: now - 90_000)
            try await store.issueSIWENonce("n-live", userID: "u", expiresAt: now + 600)
            _ = try await store.claimIdempotency(userID: "u", key: "k-old", requestHash: "h", now: now - 90_000)
            _ = try await store.claimIdempotency(userID: "u", key: "k-new", requestHash: "h", now: now - 60)
            let limit = [AttemptLimit(key: "k", limit: 100, window: 3_600)]
            _ = try await store.admitAttempt(limit, now: now - 90_000)
            _ = try await store.admitAttempt(limit, now: now - 10)

            let pruned = try await store.pruneExpired(now: now)
            #expect(
                pruned == ["sessions": 1_205, "siwe_nonces": 1, "idempotency_keys": 1, "auth_attempts": 1])
            #expect(try await store.session(id: "live") != nil)
            #expect(try await store.session(id: "recent") != nil)
            #expect(try await store.session(id: "old0") == nil)
            #expect(
                try await db.query("SELECT nonce FROM siwe_nonces", []).map { try $0.string("nonce") } == ["n-live"])
            #expect(
                try await db.query("SELECT key FROM idempotency_keys", []).map { try $0.string("key") } == ["k-new"])
            #expect(try await db.query("SELECT at FROM auth_attempts", []).map { try $0.int("at") } == [now - 10])
            #expect(try await store.pruneExpired(now: now).values.allSatisfy { $0 == 0 })
        }
    }
}

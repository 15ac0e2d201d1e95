import Brokerage
import Foundation
import Storage
import TestSupport
import Testing

/// Attempt counting in the database, where every replica sees it.
@Suite("Attempt store")
struct AttemptStoreTests {
    @Test("50 concurrent admissions under one key: exactly `limit` pass", arguments: Backend.available)
    func concurrentAdmissions(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let limits = [
                AttemptLimit(key: "login-email:a@example.com", limit: 5, window: 900),
                AttemptLimit(key: "login-ip:10.0.0.1", limit: 20, window: 900),
            ]
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 { group.addTask { try await store.admitAttempt(limits, now: 1_000) == nil } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 5)
            #expect(try await store.admitAttempt(limits, now: 1_000) == 900)
            // The other key counted the same five, and nothing for the refused ones.
            let ipOnly = [AttemptLimit(key: "login-ip:10.0.0.1", limit: 6, window: 900)]
            #expect(try await store.admitAttempt(ipOnly, now: 1_000) == nil)
            #expect(try await store.admitAttempt(ipOnly, now: 1_000) == 900)
        }
    }

    @Test("forgetting: all attempts of a key, or only its latest", arguments: Backend.available)
    func forgetting(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let one = [AttemptLimit(key: "k", limit: 2, window: 60)]
            #expect(try await store.admitAttempt(one, now: 100) == nil)
            #expect(try await store.admitAttempt(one, now: 110) == nil)
            #expect(try await store.admitAttempt(one, now: 120) == 40)
            try await store.forgetLatestAttempt(key: "k")
            #expect(try await store.admitAttempt(one, now: 120) == nil)
            try await store.forgetAttempts(key: "k")
            #expect(try await store.admitAttempt(one, now: 121) == nil)
            #expect(try await store.admitAttempt(one, now: 122) == nil)
            #expect(try await store.admitAttempt(one, now: 123) == 58)
            // Once the attempt at 121 has left the window, one more fits.
            #expect(try await store.admitAttempt(one, now: 182) == nil)
        }
    }
}

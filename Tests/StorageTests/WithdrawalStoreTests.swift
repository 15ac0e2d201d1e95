import Brokerage
import Ethereum
import Foundation
import TestSupport
import Testing

@testable import Storage

/// Withdrawals and their money on both databases: holds and releases once, the daily
/// limit under concurrent requests, gap-free nonces under concurrent signing, an audit
/// trail nothing can change.
@Suite("Withdrawal store")
struct WithdrawalStoreTests {
    typealias L = WithdrawalFixtures
    static let now: Int64 = 1_800_000_000

    /// Users with available balances (USDC decimals) and an operator.
    static func seeded(_ db: any SQLDatabase, users: [String: String]) async throws -> SQLStore {
        let store = SQLStore(db: db)
        for (user, amount) in users.sorted(by: { $0.key < $1.key }) + [("ops", "0")] {
            _ = try await store.createUser(
                User(
                    id: user, email: try Email("\(user)@example.com"), passwordHash: "x",
                    role: user == "ops" ? .operator : .renter, createdAt: now))
            if amount != "0" {
                try await store.post(
                    try .transfer(
                        id: "dep-\(user)", kind: .simulatedDeposit, amount: try USDC(parsing: amount), from: .simulator,
                        to: .available(user: user), createdAt: now))
            }
        }
        return store
    }

    static func request(
        _ store: SQLStore, id: String, user: String = "u1", micro: Int64, policy: WithdrawalPolicy = .init()
    )
        async throws -> Withdrawal
    {
        try await store.requestWithdrawal(userID: user, now: now) { today in
            try WithdrawalLifecycle.request(
                id: id, userID: user, source: .available, amount: USDC(micro: micro), chainID: 1337,
                destination: L.recipient, chain: L.chain, policy: policy, requestedToday: today, now: now)
        }
    }

    static func approve(_ store: SQLStore, _ id: String) async throws -> Withdrawal {
        try await store.changeWithdrawal(id: id) {
            try WithdrawalLifecycle.approve($0, by: "ops", policy: .init(approvalsRequired: 1), now: now)
        }
    }

    @Test("a request holds, a reload equals what was decided, a rejection releases once", arguments: Backend.available)
    func holdAndRelease(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "100"])
            let w = try await Self.request(store, id: "w1", micro: 40_000_000)
            #expect(try await store.withdrawal(id: "w1") == w)
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 40_000_000))
            let rejected = try await store.changeWithdrawal(id: "w1") {
                try WithdrawalLifecycle.reject($0, by: "ops", reason: "not yours", now: Self.now + 1)
            }
            #expect(rejected.status == .rejected && rejected.rejectedBy == "ops")
            await #expect(throws: WithdrawalRefusal.notAllowed("a rejected withdrawal cannot be rejected")) {
                try await store.changeWithdrawal(id: "w1") {
                    try WithdrawalLifecycle.reject($0, by: "ops", reason: "again", now: Self.now + 2)
                }
            }
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 100_000_000))
            #expect(try await store.balance(of: .held(user: "u1")) == .zero)
            #expect(try await store.auditTrail(withdrawalID: "w1").map(\.action) == ["requested", "rejected"])
            await #expect(throws: WithdrawalRefusal.notFound) {
                try await store.changeWithdrawal(id: "nope") { WithdrawalDecision(withdrawal: $0) }
            }
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("short funds: insufficient funds and no withdrawal written", arguments: Backend.available)
    func shortFunds(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "5"])
            await #expect(throws: LedgerError.insufficientFunds(account: "available:u1")) {
                try await Self.request(store, id: "w1", micro: 5_000_001)
            }
            #expect(try await store.withdrawal(id: "w1") == nil)
            #expect(try await store.withdrawals(userID: "u1", after: nil, limit: 10).isEmpty)
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("concurrent requests never pass the daily limit together", arguments: Backend.available)
    func dailyLimitUnderConcurrency(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "100000"])
            let policy = WithdrawalPolicy(dailyLimit: USDC(micro: 25_000_000_000))
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for n in 0..<12 {
                    group.addTask {
                        (try? await Self.request(store, id: "w\(n)", micro: 3_000_000_000, policy: policy)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 8, "8 × 3,000 fit under 25,000; the 9th would not")
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 24_000_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "fifty concurrent signings take nonces 0-49 once each; a failed signing consumes none",
        arguments: Backend.available)
    func gapFreeNonces(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "1000"])
            for n in 0..<50 {
                _ = try await Self.request(store, id: "w\(n)", micro: 1_000_000)
                _ = try await Self.approve(store, "w\(n)")
            }
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await store.signWithdrawal(id: "w0", hotWallet: L.hot) { _ in
                    throw Boom()
                } _: { w, a, n in
                    try WithdrawalLifecycle.signed(w, attempt: a, nonce: n, hotWallet: L.hot, now: Self.now)
                }
            }
            let signed = try await withThrowingTaskGroup(of: Withdrawal.self) { group in
                for n in 0..<50 {
                    group.addTask {
                        try await store.signWithdrawal(id: "w\(n)", hotWallet: L.hot) { nonce in
                            L.attempt(UInt8(nonce), signedAt: Self.now)
                        } _: { w, a, nonce in
                            try WithdrawalLifecycle.signed(w, attempt: a, nonce: nonce, hotWallet: L.hot, now: Self.now)
                        }
                    }
                }
                return try await group.reduce(into: [Withdrawal]()) { $0.append($1) }
            }
            #expect(signed.compactMap(\.nonce).sorted() == Array(0..<50))
            #expect(try await store.reconcileNonce(chainID: 1337, hotWallet: L.hot, chainNonce: 3) == 50)
            let reloaded = try await store.withdrawal(id: "w7")
            #expect(reloaded?.attempts.count == 1 && reloaded?.status == .signed && reloaded?.hotWallet == L.hot)
            // Another hot wallet on the same chain counts from the node's nonce.
            #expect(try await store.reconcileNonce(chainID: 1337, hotWallet: L.recipient, chainNonce: 12) == 12)
            let counts = try await store.withdrawalCounts(chainID: 1337)
            #expect(counts[.signed] == 50 && counts[.requested] == nil)
            #expect(try await store.withdrawalTotals(chainID: 1337).inFlight == USDC(micro: 50_000_000))
        }
    }

    @Test(
        "transactions and broadcasts are stored; confirmation settles once; the audit trail cannot change",
        arguments: Backend.available)
    func sendingAndAudit(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db, users: ["u1": "100"])
            _ = try await Self.request(store, id: "w1", micro: 40_000_000)
            _ = try await Self.approve(store, "w1")
            let first = L.attempt(1)
            _ = try await store.signWithdrawal(id: "w1", hotWallet: L.hot) { _ in
                first
            } _: { w, a, n in
                try WithdrawalLifecycle.signed(w, attempt: a, nonce: n, hotWallet: L.hot, now: Self.now)
            }
            _ = try await store.changeWithdrawal(id: "w1") { WithdrawalLifecycle.broadcast($0, now: Self.now + 5) }
            let second = L.attempt(2, maxFee: 113)
            _ = try await store.changeWithdrawal(id: "w1") {
                try WithdrawalLifecycle.replaced($0, by: second, now: Self.now + 200)
            }
            let sent = try await store.changeWithdrawal(id: "w1") {
                WithdrawalLifecycle.broadcast($0, now: Self.now + 201)
            }
            let reloaded = try #require(try await store.withdrawal(id: "w1"))
            #expect(reloaded == sent)
            #expect(reloaded.attempts.map(\.broadcastAt) == [Self.now + 5, Self.now + 201])
            let receipt = WithdrawalSending.Receipt(
                hash: first.hash, blockNumber: 9, succeeded: true, gasUsed: 21_000, effectiveGasPrice: 7)
            _ = try await store.changeWithdrawal(id: "w1") {
                try WithdrawalLifecycle.confirm($0, receipt: receipt, now: Self.now + 300)
            }
            await #expect(throws: WithdrawalRefusal.self) {
                try await store.changeWithdrawal(id: "w1") {
                    try WithdrawalLifecycle.confirm($0, receipt: receipt, now: Self.now + 301)
                }
            }
            #expect(try await store.balance(of: .held(user: "u1")) == .zero)
            #expect(try await store.balance(of: .hotWallet(chain: 1337)) == USDC(micro: 40_000_000))
            #expect(try await store.withdrawalTotals(chainID: 1337).settled == USDC(micro: 40_000_000))
            let summary = try await store.summary(userID: "u1")
            #expect(summary.totalWithdrawn == USDC(micro: 40_000_000))
            #expect(
                try await store.auditTrail(withdrawalID: "w1").map(\.action) == [
                    "requested", "approved", "signed", "broadcast", "replaced", "broadcast", "confirmed",
                ])
            for sql in ["UPDATE withdrawal_audit SET actor = 'x'", "DELETE FROM withdrawal_audit"] {
                await #expect(throws: StorageError.self) { try await db.query(sql) }
            }
            #expect(try await store.auditTrail(withdrawalID: "w1").count == 7)
            try await LedgerAssertions.assertSound(store)
        }
    }
}

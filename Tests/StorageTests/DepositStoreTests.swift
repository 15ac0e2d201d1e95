import Brokerage
import ChainWatcher
import Ethereum
import Foundation
import Storage
import TestSupport
import Testing

/// The deposit watcher's storage on both databases: exactly-once crediting with the
/// cursor in the same transaction, pending, incidents, operator assignment, leases.
@Suite("Deposit store")
struct DepositStoreTests {
    static let chain = 1337
    static let linked = try! Address(parsing: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    static let stranger = try! Address(parsing: "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
    static let hotWallet = try! Address(parsing: "0x1111111111111111111111111111111111111111")

    static func hash(_ n: UInt64, salt: UInt8 = 0) -> Hash32 {
        try! Hash32(bytes: [salt] + [UInt8](repeating: 0, count: 23) + withUnsafeBytes(of: n.bigEndian, Array.init))
    }

    static func deposit(tx: UInt64, log: UInt64 = 0, block: UInt64, from: Address = linked, micro: Int64) -> Deposit {
        Deposit(
            key: DepositKey(chainID: chain, transactionHash: hash(tx, salt: 7), logIndex: log), from: from,
            to: hotWallet,
            amount: USDC(micro: micro), block: BlockRef(number: block, hash: hash(block)))
    }

    static func cursor(_ n: UInt64, salt: UInt8 = 0) -> BlockRef { BlockRef(number: n, hash: hash(n, salt: salt)) }

    /// A store with users u1 (who linked `linked`) and ops.
    static func seeded(_ db: any SQLDatabase) async throws -> SQLStore {
        let store = SQLStore(db: db)
        for (user, role) in [("u1", Role.renter), ("ops", .operator)] {
            _ = try await store.createUser(
                User(id: user, email: try Email("\(user)@example.com"), passwordHash: "x", role: role, createdAt: 0))
        }
        _ = try await store.link(linked, userID: "u1", chainID: UInt64(chain), at: 0)
        return store
    }

    @Test(
        "a chunk of 1,200 deposits, some already credited, is credited in one go, each once",
        arguments: Backend.available)
    func largeChunk(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db)
            // More rows than one statement takes (500), linked and unlinked senders mixed.
            let all = (0..<1_200).map { (i: Int) -> Deposit in
                let from = i % 4 == 0 ? Self.stranger : Self.linked
                return Self.deposit(
                    tx: UInt64((1_199 - i) / 3), log: UInt64(i % 3), block: UInt64(5 + i / 50), from: from,
                    micro: Int64(1_000 + i))
            }
            let early = Array(all[100..<700].filter { $0.key.logIndex == 1 })
            #expect(
                try await store.creditDeposits(early, advancingCursorTo: Self.cursor(20), chainID: Self.chain) == early)
            let rest = try await store.creditDeposits(all, advancingCursorTo: Self.cursor(40), chainID: Self.chain)
            #expect(rest == all.filter { d in !early.contains { $0.key == d.key } })
            let toSuspense = all.filter { $0.from == Self.stranger }.map(\.amount.micro).reduce(0, +)
            let total = all.map(\.amount.micro).reduce(0, +)
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: total - toSuspense))
            #expect(try await store.balance(of: .suspense(chain: Self.chain)) == USDC(micro: toSuspense))
            #expect(try await db.first("SELECT COUNT(*) AS n FROM ledger_transactions")?.int("n") == 1_200)
            // Ledger ids sort in block order (blocks 5 to 28 here), so a backfill appends to their indexes.
            let byID = try await db.query("SELECT ledger_tx_id, block_number FROM chain_deposits", [])
                .map { (id: try $0.string("ledger_tx_id"), block: try $0.int("block_number")) }.sorted { $0.id < $1.id }
            #expect(zip(byID, byID.dropFirst()).allSatisfy { $0.block <= $1.block })
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "credits once with the cursor; a replay changes nothing; unlinked senders go to suspense",
        arguments: Backend.available)
    func creditOnce(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db)
            #expect(try await store.loadCursor(chainID: Self.chain) == nil)
            let batch = [
                Self.deposit(tx: 1, block: 10, micro: 1_500_000),
                Self.deposit(tx: 1, log: 1, block: 10, micro: 250_000),
                Self.deposit(tx: 2, block: 11, from: Self.stranger, micro: 9_000_000),
            ]
            let first = try await store.creditDeposits(batch, advancingCursorTo: Self.cursor(12), chainID: Self.chain)
            #expect(first == batch)
            #expect(try await store.loadCursor(chainID: Self.chain) == Self.cursor(12))
            let replay = try await store.creditDeposits(batch, advancingCursorTo: Self.cursor(12), chainID: Self.chain)
            #expect(replay.isEmpty)
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 1_750_000))
            #expect(try await store.balance(of: .suspense(chain: Self.chain)) == USDC(micro: 9_000_000))
            #expect(try await store.balance(of: .hotWallet(chain: Self.chain)) == USDC(micro: -10_750_000))
            #expect(try await store.summary(userID: "u1").totalDeposited == USDC(micro: 1_750_000))
            let mine = try await store.deposits(userID: "u1", limit: 10)
            #expect(mine.count == 2 && mine.allSatisfy { $0.status == .credited })
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("racing replicas credit the same deposits exactly once", arguments: Backend.available)
    func racing(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db)
            let batch = (0..<20).map { Self.deposit(tx: UInt64($0), block: 100 + UInt64($0), micro: 1_000_000) }
            let credited = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await store.creditDeposits(batch, advancingCursorTo: Self.cursor(130), chainID: Self.chain)
                            .count
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(credited == 20)
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 20_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "the cursor never moves down; at the same height its hash is replaced (resume re-anchors)",
        arguments: Backend.available)
    func cursorMonotonic(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db)
            _ = try await store.creditDeposits([], advancingCursorTo: Self.cursor(50), chainID: Self.chain)
            _ = try await store.creditDeposits([], advancingCursorTo: Self.cursor(40), chainID: Self.chain)
            #expect(try await store.loadCursor(chainID: Self.chain) == Self.cursor(50))
            _ = try await store.creditDeposits([], advancingCursorTo: Self.cursor(50, salt: 9), chainID: Self.chain)
            #expect(try await store.loadCursor(chainID: Self.chain) == Self.cursor(50, salt: 9))
            #expect(try await store.loadCursor(chainID: 1) == nil)
        }
    }

    @Test("pending deposits are replaced each poll and shown to the sender's account", arguments: Backend.available)
    func pending(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db)
            let p1 = PendingDeposit(
                deposit: Self.deposit(tx: 5, block: 20, micro: 3_000_000), confirmations: 1, required: 3)
            let p2 = PendingDeposit(
                deposit: Self.deposit(tx: 6, block: 21, from: Self.stranger, micro: 1), confirmations: 0, required: 3)
            try await store.recordPending([p1, p2], head: Self.cursor(20), chainID: Self.chain)
            var mine = try await store.deposits(userID: "u1", limit: 10)
            #expect(mine.map(\.status) == [.pending] && mine.first?.confirmations == 1 && mine.first?.required == 3)
            try await store.recordPending([], head: Self.cursor(21), chainID: Self.chain)
            mine = try await store.deposits(userID: "u1", limit: 10)
            #expect(mine.isEmpty)
            #expect(try await store.chainSummary(chainID: Self.chain).pendingCount == 0)
            #expect(try await store.entriesTotal() == .zero)
        }
    }

    @Test("an incident stays open until an operator resolves it", arguments: Backend.available)
    func incidents(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db)
            let incident = ReorgIncident(
                chainID: Self.chain, height: 48, expected: Self.hash(48), found: Self.hash(48, salt: 3),
                cursor: Self.cursor(50))
            try await store.recordIncident(incident)
            try await store.recordIncident(incident)
            #expect(try await store.openIncident(chainID: Self.chain) == incident)
            #expect(try await store.chainSummary(chainID: Self.chain).openIncident == incident)
            #expect(try await store.openIncident(chainID: 1) == nil)
            #expect(try await store.resolveIncidents(chainID: Self.chain, operator: "ops", at: 99) == 1)
            #expect(try await store.openIncident(chainID: Self.chain) == nil)
            #expect(try await store.resolveIncidents(chainID: Self.chain, operator: "ops", at: 100) == 0)
        }
    }

    @Test("an operator assigns a suspense deposit once, in one double-entry movement", arguments: Backend.available)
    func assign(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = try await Self.seeded(db)
            let d = Self.deposit(tx: 9, block: 30, from: Self.stranger, micro: 4_200_000)
            _ = try await store.creditDeposits([d], advancingCursorTo: Self.cursor(31), chainID: Self.chain)
            #expect(try await store.suspenseDeposits(chainID: Self.chain).map(\.key) == [d.key])
            let assigned = try await store.assignDeposit(d.key, toUser: "u1", operator: "ops", at: 100)
            #expect(assigned.status == .assigned && assigned.userID == "u1")
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 4_200_000))
            #expect(try await store.balance(of: .suspense(chain: Self.chain)) == .zero)
            await #expect(throws: DepositAssignmentError.notInSuspense(d.key, .assigned)) {
                try await store.assignDeposit(d.key, toUser: "u1", operator: "ops", at: 101)
            }
            let missing = DepositKey(chainID: Self.chain, transactionHash: Self.hash(77), logIndex: 0)
            await #expect(throws: DepositAssignmentError.notFound(missing)) {
                try await store.assignDeposit(missing, toUser: "u1", operator: "ops", at: 101)
            }
            #expect(try await store.suspenseDeposits(chainID: nil).isEmpty)
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "a lease is held by one process at a time (PostgreSQL advisory lock; SQLite runs alone)",
        arguments: Backend.available)
    func lease(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let (release, releaser) = AsyncStream<Void>.makeStream()
            let (taken, taker) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await db.withLease(42, heartbeat: .milliseconds(100)) {
                    taker.yield()
                    for await _ in release.prefix(1) {}
                    return "held"
                }
            }
            // Ask only once the holder is inside its lease.
            for await _ in taken.prefix(1) {}
            let second = try await db.withLease(42, heartbeat: .milliseconds(100)) { "second" }
            #expect(second == (backend == .postgres ? nil : "second"))
            releaser.yield()
            #expect(try await holder.value == "held")
            #expect(try await db.withLease(42, heartbeat: .milliseconds(100)) { "after" } == "after")
        }
    }
}

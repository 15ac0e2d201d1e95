import Brokerage
import Ethereum
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Storage

/// One suite, every database: what the domain relies on must hold on SQLite and PostgreSQL.
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test("batched inserts number their placeholders row after row, full groups from the made-once lists too")
    func valuesLists() {
        func expected(_ widths: [Int]) -> String {
            var next = 0
            return widths.map { w in
                "("
                    + (1...w).map { _ in
                        next += 1
                        return "$\(next)"
                    }.joined(separator: ", ") + ")"
            }.joined(separator: ", ")
        }
        let full = Array(repeating: 11, count: SQLStore.statementGroupSize)
        for widths in [full, full, [3], [2, 5, 1], Array(repeating: 4, count: 499), [7] + full.dropFirst()] {
            #expect(SQLStore.valuesList(widths) == expected(widths))
        }
    }

    @Test("placeholders in order become plain ?, any other use keeps its number; quoted text is left alone")
    func sqlitePlaceholders() {
        let twelve = (1...12).map { "$\($0)" }.joined(separator: ", ")
        let cases = [
            ("SELECT $1, $2 FROM t", "SELECT ?, ? FROM t"),
            ("VALUES (\(twelve))", "VALUES (" + Array(repeating: "?", count: 12).joined(separator: ", ") + ")"),
            ("WHERE a = $2 AND b = $1", "WHERE a = ?2 AND b = ?1"),
            ("WHERE a = $1 OR b = $1", "WHERE a = ?1 OR b = ?1"),
            ("VALUES (\(twelve), $1)", "VALUES (" + (1...12).map { "?\($0)" }.joined(separator: ", ") + ", ?1)"),
            ("SELECT '$1 costs ?' = $1", "SELECT '$1 costs ?' = ?"),
            ("SELECT 1", "SELECT 1"),
        ]
        for (sql, expected) in cases { #expect(SQLiteHandle.rewritePlaceholders(sql) == expected, "\(sql)") }
    }

    @Test("migrations apply from empty", arguments: Backend.available)
    func migratesFromEmpty(backend: Backend) async throws {
        try await TestDatabase.with(backend, migrated: false) { db in
            let applied = try await Migrator().migrate(db)
            #expect(applied == Schema.migrations.map(\.version))
            #expect(try await Migrator().appliedVersions(db) == Schema.migrations.map(\.version))
            for table in ["users", "sessions", "ledger_accounts", "ledger_transactions", "ledger_entries"] {
                let row = try await db.first("SELECT COUNT(*) AS n FROM \(table)")
                #expect(try row?.int("n") == 0)
            }
        }
    }

    @Test("re-running migrations changes nothing", arguments: Backend.available)
    func migrationsAreIdempotent(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let again = try await Migrator().migrate(db)
            #expect(again.isEmpty)
            #expect(try await Migrator().appliedVersions(db) == Schema.migrations.map(\.version))
        }
    }

    @Test(
        "a schema that is not this build's is refused, changing nothing: empty, behind and ahead",
        arguments: Backend.available)
    func requireCurrentSchema(backend: Backend) async throws {
        let latest = Schema.migrations.last!.version
        // Versions may skip numbers (a branch's migration merged later), so "behind" is the
        // version before the last one in the list.
        let previous = Schema.migrations.dropLast().last!.version
        try await TestDatabase.with(backend, migrated: false) { db in
            #expect(await Self.refusal(db) == [0, latest])
            let tables =
                backend == .postgres
                ? "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'public'"
                : "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'"
            let count = try await db.first(tables)?.int("n")
            #expect(count == 0, "the check created nothing")
        }
        try await TestDatabase.with(backend) { db in
            #expect(await Self.refusal(db) == nil)
            try await db.query("DELETE FROM schema_migrations WHERE version = $1", [.int(Int64(latest))])
            #expect(await Self.refusal(db) == [previous, latest])
            #expect(try await Migrator().appliedVersions(db).last == previous, "the check applied nothing")
            try await db.query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', 0), ($2, 'x', 0)",
                [.int(Int64(latest)), .int(Int64(latest + 1))])
            #expect(await Self.refusal(db) == [latest + 1, latest])
        }
    }

    /// `[applied, required]` of `requireCurrent`'s refusal, nil when it passes.
    static func refusal(_ db: any SQLDatabase) async -> [Int]? {
        do {
            try await Migrator().requireCurrent(db)
            return nil
        } catch StorageError.schemaMismatch(let applied, let required) {
            return [applied, required]
        } catch {
            return [-1, -1]
        }
    }

    @Test("a transaction that fails midway leaves nothing behind", arguments: Backend.available)
    func failedTransactionRollsBack(backend: Backend) async throws {
        try await TestDatabase.with(backend) { (db: any SQLDatabase) async throws in
            let store = SQLStore(db: db)
            await #expect(throws: Boom.self) {
                try await db.transaction { tx -> Void in
                    try await tx.query(
                        "INSERT INTO users (id, email, password_hash, role, created_at) VALUES ('u1', 'a@b.co', 'h', 'renter', 0)"
                    )
                    try await SQLStore.post(try Fixtures.deposit(user: "u1", amount: "5"), in: tx)
                    throw Boom()
                }
            }
            #expect(try await store.user(id: "u1") == nil)
            #expect(try await store.balance(of: .available(user: "u1")) == .zero)
            #expect(try await db.first("SELECT COUNT(*) AS n FROM ledger_entries")?.int("n") == 0)
        }
    }

    @Test("the database refuses unbalanced, unsealed or edited ledger rows", arguments: Backend.available)
    func databaseGuardsLedger(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            try await store.post(try Fixtures.deposit(user: "u1", amount: "10"))
            // Entries that do not sum to zero cannot be sealed.
            await #expect(throws: StorageError.self) {
                try await db.transaction { tx in
                    try await tx.query(
                        "INSERT INTO ledger_entries (tx_id, account_id, amount, balance_after, created_at) VALUES ('bad', 'available:u1', 5, 15, 0)"
                    )
                    try await tx.query(
                        "INSERT INTO ledger_entries (tx_id, account_id, amount, balance_after, created_at) VALUES ('bad', 'external:simulator', -4, -14, 0)"
                    )
                    try await tx.query(
                        "INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('bad', 'deposit', 0)")
                }
            }
            // Entries never sealed cannot commit.
            await #expect(throws: StorageError.self) {
                try await db.transaction { tx in
                    try await tx.query(
                        "INSERT INTO ledger_entries (tx_id, account_id, amount, balance_after, created_at) VALUES ('loose', 'available:u1', 5, 15, 0)"
                    )
                }
            }
            // A user balance cannot go negative, and posted entries cannot change.
            await #expect(throws: StorageError.self) {
                try await db.query("UPDATE ledger_accounts SET balance = -1 WHERE id = 'available:u1'")
            }
            await #expect(throws: StorageError.self) {
                try await db.query("UPDATE ledger_entries SET amount = 1000")
            }
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 10_000_000))
            #expect(try await store.entriesTotal() == .zero)
            #expect(try await store.accountsOutOfBalance().isEmpty)
        }
    }

    @Test("two concurrent debits of one balance: only the funded one succeeds", arguments: Backend.available)
    func concurrentDebits(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            try await store.post(try Fixtures.deposit(user: "u1", amount: "100"))
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<2 {
                    group.addTask {
                        do {
                            try await store.post(
                                try .transfer(
                                    id: "hold-\(i)", kind: .reservationHold, amount: try USDC(parsing: "100"),
                                    from: .available(user: "u1"), to: .held(user: "u1"), createdAt: 1))
                            return true
                        } catch LedgerError.insufficientFunds(let account) {
                            #expect(account == "available:u1")
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await store.balance(of: .available(user: "u1")) == .zero)
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 100_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "each entry records its account's running balance, also when a posting names an account twice",
        arguments: Backend.available)
    func runningBalances(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            try await store.post(try Fixtures.deposit(user: "u1", amount: "10"))
            // available: 10 → 4 → 5; held: 0 → 6 → 5 (net: available −5, held +5).
            try await store.post(
                try LedgerTransaction(
                    id: "split", kind: .reservationHold,
                    entries: [
                        .init(.available(user: "u1"), USDC(micro: -6_000_000)),
                        .init(.held(user: "u1"), USDC(micro: 6_000_000)),
                        .init(.held(user: "u1"), USDC(micro: -1_000_000)),
                        .init(.available(user: "u1"), USDC(micro: 1_000_000)),
                    ], createdAt: 2))
            let after = try await db.query("SELECT balance_after FROM ledger_entries WHERE tx_id = 'split' ORDER BY id")
                .map { try $0.int("balance_after") }
            #expect(after == [4_000_000, 6_000_000, 5_000_000, 5_000_000])
            #expect(try await store.balance(of: .held(user: "u1")) == USDC(micro: 5_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "a transaction lost to a conflict is run again, up to the attempts given, and its first try left nothing",
        arguments: Backend.available)
    func retriesConflicts(backend: Backend) async throws {
        try await TestDatabase.with(backend) { (db: any SQLDatabase) async throws in
            let store = SQLStore(db: db)
            let attempts = Mutex(0)
            let answer = try await db.transaction(retryingConflicts: 3) { tx in
                let n = attempts.withLock {
                    $0 += 1
                    return $0
                }
                try await SQLStore.post(
                    try .transfer(
                        id: "try-\(n)", kind: .simulatedDeposit, amount: USDC(micro: 1_000_000), from: .simulator,
                        to: .available(user: "u1"), createdAt: 1), in: tx)
                if n < 3 { throw StorageError.conflict(detail: "deadlock detected") }
                return n
            }
            #expect(answer == 3)
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 1_000_000))
            attempts.withLock { $0 = 0 }
            await #expect(throws: StorageError.self) {
                try await db.transaction(retryingConflicts: 2) { _ -> Void in
                    attempts.withLock { $0 += 1 }
                    throw StorageError.conflict(detail: "deadlock detected")
                }
            }
            #expect(attempts.withLock { $0 } == 2)
            // Other errors are not retried.
            attempts.withLock { $0 = 0 }
            await #expect(throws: Boom.self) {
                try await db.transaction(retryingConflicts: 5) { _ -> Void in
                    attempts.withLock { $0 += 1 }
                    throw Boom()
                }
            }
            #expect(attempts.withLock { $0 } == 1)
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test("a batch of movements posts all or none", arguments: Backend.available)
    func batchPosting(backend: Backend) async throws {
        try await TestDatabase.with(backend) { (db: any SQLDatabase) async throws in
            let store = SQLStore(db: db)
            let first = try Fixtures.deposit(user: "u1", amount: "1")
            try await store.post(first)
            let fresh = try (0..<3).map { _ in try Fixtures.deposit(user: "u2", amount: "2") }
            // One already posted: nothing of the batch lands, and the transaction stays usable.
            _ = try await db.transaction { tx in
                await #expect(throws: LedgerError.self) { try await SQLStore.post(fresh + [first], in: tx) }
            }
            #expect(try await store.balance(of: .available(user: "u2")) == .zero)
            #expect(try await store.summary(userID: "u2").totalDeposited == .zero, "a refused batch adds no totals")
            await #expect(throws: LedgerError.self) {
                try await db.transaction { tx in try await SQLStore.post([fresh[0], fresh[0]], in: tx) }
            }
            try await db.transaction { tx in try await SQLStore.post(fresh, in: tx) }
            #expect(try await store.balance(of: .available(user: "u2")) == USDC(micro: 6_000_000))
            #expect(try await store.summary(userID: "u2").totalDeposited == USDC(micro: 6_000_000))
            #expect(try await store.balance(of: .simulator) == USDC(micro: -7_000_000))
            try await LedgerAssertions.assertSound(store)
        }
    }

    @Test(
        "wallet totals kept on posting match the history they sum, and the migration's backfill of it",
        arguments: Backend.available)
    func walletTotals(backend: Backend) async throws {
        try await TestDatabase.with(backend) { (db: any SQLDatabase) async throws in
            let store = SQLStore(db: db)
            let (available, held) = (LedgerAccount.available(user: "u1"), LedgerAccount.held(user: "u1"))
            try await store.post(try Fixtures.deposit(user: "u1", amount: "100"))
            try await db.transaction { tx in
                try await SQLStore.post(
                    [
                        try Fixtures.deposit(user: "u1", amount: "20"),
                        try Self.move("h1", .reservationHold, "30", available, held),
                        try Self.move(
                            "c1", .reservationCapture, "12", held, .earnings(user: "p1"), references: Self.references),
                        try Self.move("r1", .reservationRelease, "18", held, available),
                        try Self.move("w1", .withdrawalHold, "25", available, held),
                        try Self.move("w2", .simulatedWithdrawal, "25", held, .simulator),
                    ], in: tx)
            }
            try await store.post(try Self.move("e1", .providerEarning, "4", available, .earnings(user: "u1")))
            let expected = WalletSummary(
                available: USDC(micro: 79_000_000), held: .zero, earnings: USDC(micro: 4_000_000),
                totalDeposited: USDC(micro: 120_000_000), totalWithdrawn: USDC(micro: 25_000_000),
                totalSpent: USDC(micro: 12_000_000), totalEarned: USDC(micro: 4_000_000))
            #expect(try await store.summary(userID: "u1") == expected)
            #expect(try await store.summary(userID: "p1").totalEarned == USDC(micro: 12_000_000))
            let capture = try await store.history(userID: "u1", kind: .reservationCapture, after: nil, limit: 5)
            #expect(capture.map(\.references) == [Self.references])
            try await db.query("DELETE FROM ledger_totals")
            #expect(try await store.summary(userID: "u1").totalDeposited == .zero)
            try await db.query(Schema.totalsBackfill)
            #expect(try await store.summary(userID: "u1") == expected)
            #expect(try await store.summary(userID: "p1").totalEarned == USDC(micro: 12_000_000))
        }
    }

    static let references = ["reservation": "r1", "note": "a \"quoted\" é\n"]

    static func move(
        _ id: String, _ kind: LedgerTransaction.Kind, _ amount: String, _ from: LedgerAccount, _ to: LedgerAccount,
        references: [String: String] = [:]
    ) throws -> LedgerTransaction {
        try .transfer(
            id: id, kind: kind, amount: try USDC(parsing: amount), from: from, to: to, references: references,
            createdAt: 0)
    }

    @Test("posting the same ledger transaction twice is refused", arguments: Backend.available)
    func duplicatePosting(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let deposit = try Fixtures.deposit(user: "u1", amount: "7.5")
            try await store.post(deposit)
            await #expect(throws: LedgerError.duplicate(id: deposit.id)) { try await store.post(deposit) }
            #expect(try await store.balance(of: .available(user: "u1")) == USDC(micro: 7_500_000))
        }
    }

    @Test("one account per email, even when signups race", arguments: Backend.available)
    func concurrentSignups(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await store.createUser(
                                User(
                                    id: "user-\(i)",
                                    email: try Email(i % 2 == 0 ? "Race@Example.com" : "race@example.com"),
                                    passwordHash: "x", role: .renter, createdAt: 0))
                            return true
                        } catch AccountsError.emailTaken {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(wins == 1)
            #expect(try await db.first("SELECT COUNT(*) AS n FROM users")?.int("n") == 1)
        }
    }

    @Test("users and sessions round-trip", arguments: Backend.available)
    func usersRoundTrip(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let user = User(
                id: "u9", email: try Email("nine@example.com"), passwordHash: "$2b$12$abc", role: .operator,
                createdAt: 1_700_000_000)
            _ = try await store.createUser(user)
            #expect(try await store.user(email: try Email("NINE@example.com")) == user)
            let themed = try await store.updateTheme(userID: "u9", theme: .dark)
            #expect(themed.themePreference == .dark)
            await #expect(throws: AccountsError.userNotFound) {
                try await store.updateTheme(userID: "nobody", theme: .light)
            }
            try await store.createSession(Session(id: "s1", userID: "u9", createdAt: 1, expiresAt: 2))
            #expect(try await store.session(id: "s1")?.userID == "u9")
            #expect(try await store.session(id: "s2") == nil)
            let both = try await store.sessionAndUser(sessionID: "s1")
            #expect(both?.session == Session(id: "s1", userID: "u9", createdAt: 1, expiresAt: 2))
            #expect(both?.user == themed)
            #expect(try await store.sessionAndUser(sessionID: "s2") == nil)
        }
    }
}

struct Boom: Error {}

enum Fixtures {
    static func deposit(user: String, amount: String) throws -> LedgerTransaction {
        try .transfer(
            id: "dep-\(UUID().uuidString)", kind: .simulatedDeposit, amount: try USDC(parsing: amount),
            from: .simulator, to: .available(user: user), createdAt: 1)
    }
}

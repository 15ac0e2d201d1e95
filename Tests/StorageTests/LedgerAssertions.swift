import Brokerage
import Storage
import Testing

/// The ledger invariants every store test ends on: entries sum to zero, each account's
/// balance equals its entries, and each entry's `balance_after` is its account's running
/// total (what the wallet's transaction list shows).
enum LedgerAssertions {
    static func assertSound(_ store: SQLStore, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await store.entriesTotal() == .zero, sourceLocation: sourceLocation)
        #expect(try await store.accountsOutOfBalance().isEmpty, sourceLocation: sourceLocation)
        var running: [String: Int64] = [:]
        var wrong: [String] = []
        for row in try await store.db.query(
            "SELECT id, account_id, amount, balance_after FROM ledger_entries ORDER BY id")
        {
            let account = try row.string("account_id")
            running[account, default: 0] += try row.int("amount")
            if try row.int("balance_after") != running[account] {
                wrong.append("entry \(try row.int("id")) of \(account)")
            }
        }
        #expect(
            wrong.isEmpty, "balance_after is not the running balance: \(wrong.prefix(5))",
            sourceLocation: sourceLocation)
    }
}

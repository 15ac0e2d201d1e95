/// Statement builders shared by the store's batched writes.
extension SQLStore {
    /// `items` in runs of at most 500: one statement's worth, the databases' bind
    /// limits in mind.
    static func statementGroups<T>(_ items: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: 500).map { items[$0..<min(items.count, $0 + 500)] }
    }

    /// Inserts `rows` (each the binds of one row) in statements of at most 500 rows;
    /// returns what `suffix` (e.g. RETURNING) yields.
    @discardableResult
    static func insertRows(_ prefix: String, _ rows: [[SQLValue]], _ suffix: String = "", in tx: any SQLExecutor) async throws -> [SQLRow] {
        var out: [SQLRow] = []
        for group in statementGroups(rows) {
            var binds: [SQLValue] = []
            let values = group.map { row in
                defer { binds += row }
                return placeholders(row.count, from: binds.count + 1)
            }
            out += try await tx.query("\(prefix) \(values.joined(separator: ", ")) \(suffix)", binds)
        }
        return out
    }

    /// Runs one INSERT or UPDATE and says whether it wrote a row (a conditional write
    /// whose condition failed writes none).
    static func wroteRow(_ sql: String, _ binds: [SQLValue], in tx: any SQLExecutor) async throws -> Bool {
        try await !tx.query(sql + " RETURNING 1", binds).isEmpty
    }

    /// `($1, $2, ..., $count)`, numbered from `first`.
    static func placeholders(_ count: Int, from first: Int = 1) -> String {
        "(" + (first..<first + count).map { "$\($0)" }.joined(separator: ", ") + ")"
    }
}

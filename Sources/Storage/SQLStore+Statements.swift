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
            // One string grown in place: a backfill chunk's statements hold thousands of binds.
            var binds: [SQLValue] = []
            binds.reserveCapacity(group.count * (group.first?.count ?? 0))
            var sql = prefix
            sql.reserveCapacity(prefix.utf8.count + suffix.utf8.count + 8 * binds.capacity + 8)
            for row in group {
                sql += binds.isEmpty ? " " : ", "
                appendPlaceholders(row.count, from: binds.count + 1, to: &sql)
                binds += row
            }
            sql += " " + suffix
            out += try await tx.query(sql, binds)
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
        var sql = ""
        appendPlaceholders(count, from: first, to: &sql)
        return sql
    }

    static func appendPlaceholders(_ count: Int, from first: Int, to sql: inout String) {
        sql += "("
        for n in first..<first + count {
            if n > first { sql += ", " }
            sql += "$"
            sql += String(n)
        }
        sql += ")"
    }
}

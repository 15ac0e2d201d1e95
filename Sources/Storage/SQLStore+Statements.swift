import Synchronization

/// Statement builders shared by the store's batched writes.
extension SQLStore {
    /// `items` in runs of at most 500: one statement's worth, the databases' bind
    /// limits in mind.
    static func statementGroups<T>(_ items: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: statementGroupSize).map {
            items[$0..<min(items.count, $0 + statementGroupSize)]
        }
    }

    static let statementGroupSize = 500

    /// Inserts `rows` (each the binds of one row) in statements of at most 500 rows;
    /// returns what `suffix` (e.g. RETURNING) yields.
    @discardableResult
    static func insertRows(_ prefix: String, _ rows: [[SQLValue]], _ suffix: String = "", in tx: any SQLExecutor)
        async throws -> [SQLRow]
    {
        var out: [SQLRow] = []
        for group in statementGroups(rows) {
            var binds: [SQLValue] = []
            binds.reserveCapacity(group.count * (group.first?.count ?? 0))
            for row in group { binds += row }
            out += try await tx.query("\(prefix) \(valuesList(group.map(\.count))) \(suffix)", binds)
        }
        return out
    }

    /// `($1, $2), ($3, $4), ...` for rows of the given widths. Full groups of equal widths
    /// are made once per width: a backfill sends the same 500-row shapes hundreds of times,
    /// and building their thousands of placeholders was a visible share of its CPU.
    static func valuesList(_ widths: [Int]) -> String {
        let full = widths.count == statementGroupSize && widths.allSatisfy { $0 == widths[0] }
        if full, let made = fullGroupValues.withLock({ $0[widths[0]] }) { return made }
        var sql = ""
        sql.reserveCapacity(widths.reduce(0, +) * 7)
        var next = 1
        for width in widths {
            if next > 1 { sql += ", " }
            appendPlaceholders(width, from: next, to: &sql)
            next += width
        }
        if full { fullGroupValues.withLock { $0[widths[0]] = sql } }
        return sql
    }

    /// Made values lists of full groups, by row width (a handful of tables, so a handful of entries).
    private static let fullGroupValues = Mutex<[Int: String]>([:])

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

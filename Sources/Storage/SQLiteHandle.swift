import CSQLite
import Foundation

/// One connection to Debian's libsqlite3, used by one task at a time (its pool sees to
/// that) and run on the caller's thread. SQLite answers from its page cache in
/// microseconds, so the hops a thread-pool driver made per statement (to a pool thread,
/// then one event-loop task per row, then back to the caller) cost more than the
/// statements: under the mixed load, half the server's CPU went to waking threads. Each
/// connection keeps its prepared statements, so a backfill's hundreds of identical
/// 500-row inserts are compiled once.
final class SQLiteHandle: @unchecked Sendable {
    // Unchecked: a handle is only touched by whoever holds it from `SQLiteHandlePool`, one
    // task at a time; SQLite is opened in multi-thread mode, which allows exactly that.
    private let db: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    private var closed = false
    /// Enough for every fixed statement and the batch shapes of the market sync and the
    /// backfill; past it the cache starts over rather than grow with one-off batch sizes.
    private static let cacheLimit = 256

    init(path: String, readOnly: Bool = false) throws(StorageError) {
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
            | SQLITE_OPEN_URI
        let opened = sqlite3_open_v2(path, &handle, flags, nil)
        guard opened == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw .unavailable(detail: "cannot open SQLite database at \(path): \(message)")
        }
        db = handle
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Finalizes the cached statements and closes the connection; later calls do nothing.
    func close() {
        guard !closed else { return }
        closed = true
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
        sqlite3_close_v2(db)
    }

    /// Runs one statement (`$1`-style placeholders) and returns its rows.
    func run(_ sql: String, _ binds: [SQLValue]) throws(StorageError) -> [SQLRow] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (i, value) in binds.enumerated() {
            let index = Int32(i + 1)
            let bound: Int32 =
                switch value {
                case .int(let v): sqlite3_bind_int64(statement, index, v)
                case .double(let v): sqlite3_bind_double(statement, index, v)
                case .bool(let v): sqlite3_bind_int64(statement, index, v ? 1 : 0)
                case .null: sqlite3_bind_null(statement, index)
                case .text(let v):
                    v.utf8.withContiguousStorageIfAvailable { bytes in
                        bytes.withMemoryRebound(to: CChar.self) {
                            gp4u_sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count))
                        }
                    } ?? gp4u_sqlite3_bind_text(statement, index, v, -1)
                }
            guard bound == SQLITE_OK else { throw failure(bound) }
        }
        let width = sqlite3_column_count(statement)
        let names = (0..<width).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [SQLRow] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { return rows }
            guard step == SQLITE_ROW else { throw failure(step) }
            var columns: [String: SQLValue] = [:]
            columns.reserveCapacity(Int(width))
            for c in 0..<width {
                columns[names[Int(c)]] =
                    switch sqlite3_column_type(statement, c) {
                    case SQLITE_INTEGER: .int(sqlite3_column_int64(statement, c))
                    case SQLITE_FLOAT: .double(sqlite3_column_double(statement, c))
                    case SQLITE_NULL: .null
                    default: .text(text(statement, c))
                    }
            }
            rows.append(SQLRow(columns: columns))
        }
    }

    private func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    private func prepared(_ sql: String) throws(StorageError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(
            db, Self.rewritePlaceholders(sql), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw failure(code) }
        if statements.count >= Self.cacheLimit {
            for cached in statements.values { sqlite3_finalize(cached) }
            statements.removeAll(keepingCapacity: true)
        }
        statements[sql] = statement
        return statement
    }

    /// `$1` → `?1`: SQLite treats `$1` as a *named* parameter numbered by first
    /// appearance, which would silently swap binds when `$2` appears before `$1`. When the
    /// placeholders appear once each and in order (every batched insert), they become a
    /// plain `?`: Debian's SQLite 3.40 compiles numbered ones in time that grows with the
    /// square of their count (a 500-row, 5,500-parameter insert took 51 ms to prepare with
    /// `?N` and 2.4 ms with `?`), and every backfill chunk has a batch size of its own.
    static func rewritePlaceholders(_ sql: String) -> String {
        // Bytes, not Characters: batched statements run to tens of kilobytes.
        var out: [UInt8] = []
        out.reserveCapacity(sql.utf8.count)
        var inString = false
        var sequential = true
        var expected = 1
        var number = 0
        var inNumber = false
        func endNumber() {
            if inNumber {
                if number != expected { sequential = false }
                expected += 1
            }
            inNumber = false
            number = 0
        }
        for b in sql.utf8 {
            if inNumber, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                number = number &* 10 &+ Int(b - UInt8(ascii: "0"))
                out.append(b)
                continue
            }
            endNumber()
            if b == UInt8(ascii: "'") { inString.toggle() }
            if b == UInt8(ascii: "$"), !inString {
                out.append(UInt8(ascii: "?"))
                inNumber = true
            } else {
                out.append(b)
            }
        }
        endNumber()
        guard sequential, expected > 1 else { return String(decoding: out, as: UTF8.self) }
        var plain: [UInt8] = []
        plain.reserveCapacity(out.count)
        var afterMark = false
        inString = false
        for b in out {
            if afterMark, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { continue }
            afterMark = false
            if b == UInt8(ascii: "'") { inString.toggle() }
            if b == UInt8(ascii: "?"), !inString { afterMark = true }
            plain.append(b)
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// The storage error for a result code, with SQLite's message (which names the
    /// constraint or trigger that refused, as guards are matched by).
    private func failure(_ code: Int32) -> StorageError {
        let message = String(cString: sqlite3_errmsg(db))
        // Extended codes are macro expressions Swift does not import: primary code | detail << 8.
        func constraint(_ detail: Int32) -> Int32 { SQLITE_CONSTRAINT | detail << 8 }
        switch code {
        case constraint(8), constraint(6), constraint(10):  // UNIQUE, PRIMARYKEY, ROWID
            return .uniqueViolation(constraint: message, detail: message)
        case constraint(3):  // FOREIGNKEY
            return .foreignKeyViolation(detail: message)
        default:
            break
        }
        switch code & 0xFF {
        case SQLITE_CONSTRAINT: return .checkViolation(constraint: message, detail: message)
        case SQLITE_BUSY, SQLITE_LOCKED: return .conflict(detail: message)
        case SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY: return .unavailable(detail: message)
        default: return .other(detail: "SQLite error \(code): \(message)")
        }
    }
}

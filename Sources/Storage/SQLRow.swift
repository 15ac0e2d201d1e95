/// One result row, read by column name. Accessors throw a `StorageError` naming the
/// column when it is missing or of another type, instead of trapping.
public struct SQLRow: Sendable {
    public let columns: [String: SQLValue]

    public init(columns: [String: SQLValue]) { self.columns = columns }

    public subscript(_ name: String) -> SQLValue { columns[name] ?? .null }

    public func int(_ name: String) throws -> Int64 {
        switch self[name] {
        case .int(let v): return v
        case .bool(let b): return b ? 1 : 0
        case .double(let d) where d.rounded() == d: return Int64(d)
        case .text(let s): if let v = Int64(s) { return v }
        default: break
        }
        throw StorageError.decoding(column: name)
    }

    public func optionalInt(_ name: String) throws -> Int64? {
        if case .null = self[name] { return nil }
        return try int(name)
    }

    public func string(_ name: String) throws -> String {
        if case .text(let s) = self[name] { return s }
        throw StorageError.decoding(column: name)
    }

    public func optionalString(_ name: String) throws -> String? {
        if case .null = self[name] { return nil }
        return try string(name)
    }

    public func bool(_ name: String) throws -> Bool {
        switch self[name] {
        case .bool(let b): return b
        case .int(let i): return i != 0
        default: throw StorageError.decoding(column: name)
        }
    }

    public func double(_ name: String) throws -> Double {
        switch self[name] {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw StorageError.decoding(column: name)
        }
    }
}

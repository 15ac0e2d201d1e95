/// A value bound to or read from SQL, the small common ground of SQLite and PostgreSQL.
///
/// Times are stored as integer seconds (or microseconds) since 1970 and money as integer
/// micro-USDC, so both databases compare and sum them exactly.
public enum SQLValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case text(String)
    case double(Double)
    case bool(Bool)
    case null

    public var description: String {
        switch self {
        case .int(let v): "\(v)"
        case .text(let v): "'\(v)'"
        case .double(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .null: "NULL"
        }
    }
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByNilLiteral,
    ExpressibleByBooleanLiteral
{
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension SQLValue {
    public init(_ v: Int) { self = .int(Int64(v)) }
    public init(_ v: Int64) { self = .int(v) }
    public init(_ v: String) { self = .text(v) }
    public init(_ v: String?) { self = v.map(SQLValue.text) ?? .null }
    public init(_ v: Int64?) { self = v.map(SQLValue.int) ?? .null }
}

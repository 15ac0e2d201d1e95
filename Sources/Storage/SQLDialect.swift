/// The two databases we run on. Queries are written once with PostgreSQL's `$1`
/// placeholders; `SQLiteDatabase` rewrites them to SQLite's numbered `?1`.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

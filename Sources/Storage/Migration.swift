/// One forward-only schema step. Each runs in its own transaction and is recorded in
/// `schema_migrations`; statements differ per dialect only where the databases do.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sqlite: [String]
    public let postgres: [String]

    public init(version: Int, name: String, sqlite: [String], postgres: [String]) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// For statements both databases accept as written.
    public init(version: Int, name: String, both: [String]) {
        self.init(version: version, name: name, sqlite: both, postgres: both)
    }

    func statements(for dialect: SQLDialect) -> [String] {
        dialect == .sqlite ? sqlite : postgres
    }
}

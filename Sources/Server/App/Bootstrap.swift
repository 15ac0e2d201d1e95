import ChainWatcher
import Logging
import Storage
import Synchronization

/// The composition root every `gp4u` command goes through: configuration read from the
/// environment (over `./.env`) and validated once, logging set up once, and the database
/// opened one way. Only `serve` and `migrate` change the schema; every other command
/// requires it current and creates nothing, so an operator's read never migrates a
/// production database behind their back.
public struct Bootstrap: Sendable {
    public let config: ServerConfiguration
    public let logger: Logger

    /// What opening the database may do to it.
    public enum Schema: Sendable {
        /// Create the database if needed and apply pending migrations (`serve`, `migrate`).
        case migrate
        /// Refuse a missing database or a schema that is not this build's, changing nothing.
        case requireCurrent
    }

    /// For tests and embedders that set up logging themselves.
    public init(config: ServerConfiguration, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Reads and validates the configuration and bootstraps logging (once per process).
    public static func load(environment: [String: String] = DotEnv.mergedEnvironment()) throws(ConfigError) -> Bootstrap
    {
        let config = try ServerConfiguration.fromEnvironment(environment)
        let level = config.logLevel
        loggingBootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "gp4u")
        logger.logLevel = level
        return Bootstrap(config: config, logger: logger)
    }

    /// `LoggingSystem` may be bootstrapped only once per process.
    private static let loggingBootstrapped = Mutex(false)

    /// Runs `body` with the configured database, opened as `schema` says; for
    /// PostgreSQL the pool runs only as long as `body` does.
    public func withDatabase<T: Sendable>(
        _ schema: Schema, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let migrator = Migrator(logger: logger)
        return try await Storage.withDatabase(config.database, creating: schema == .migrate, logger: logger) { db in
            switch schema {
            case .migrate: try await migrator.migrate(db)
            case .requireCurrent: try await migrator.requireCurrent(db)
            }
            return try await body(db)
        }
    }

    /// `gp4u migrate`: creates the database if needed and applies pending migrations;
    /// returns the versions this call applied.
    public func migrate() async throws -> [Int] {
        let migrator = Migrator(logger: logger)
        return try await Storage.withDatabase(config.database, logger: logger) { db in try await migrator.migrate(db) }
    }

    /// ``withDatabase(_:_:)`` with the domain's stores over it.
    public func withStore<T: Sendable>(_ schema: Schema, _ body: @Sendable (SQLStore) async throws -> T) async throws
        -> T
    {
        try await withDatabase(schema) { db in try await body(SQLStore(db: db)) }
    }
}

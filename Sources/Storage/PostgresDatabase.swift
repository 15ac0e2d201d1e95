import Foundation
import Logging
import PostgresNIO
import Timekeeping

/// PostgreSQL through postgres-nio's connection pool, for production and scale-out.
/// `run()` must be running (the server runs it as the first service) for queries to go.
public final class PostgresDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    public let displayName: String
    private let client: PostgresClient
    /// The same server and credentials for one direct connection (``probe()``).
    private let probeConfiguration: PostgresConnection.Configuration
    private let logger: Logger

    /// Parses `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    public init(url: String, maxConnections: Int = 20, logger: Logger = Logger(label: "gp4u.postgres")) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme,
            scheme == "postgres" || scheme == "postgresql", let host = parts.host, !host.isEmpty
        else {
            throw StorageError.invalidConfiguration(
                "database URL must look like postgres://user:password@host:5432/database")
        }
        guard let user = parts.user, !user.isEmpty else {
            throw StorageError.invalidConfiguration("database URL has no user name")
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let sslmode = parts.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw StorageError.invalidConfiguration("unknown sslmode \(sslmode); use disable, prefer or require")
        }
        let password = parts.password.map { $0.removingPercentEncoding ?? $0 }
        var config = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: password,
            database: database.isEmpty ? user : database, tls: tls)
        let probeTLS: PostgresConnection.Configuration.TLS
        switch sslmode {
        case "disable": probeTLS = .disable
        case "prefer", "allow": probeTLS = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default: probeTLS = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var probe = PostgresConnection.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: password,
            database: database.isEmpty ? user : database, tls: probeTLS)
        probe.options.connectTimeout = .seconds(5)
        self.probeConfiguration = probe
        config.options.maximumConnections = maxConnections
        // The pool warns when leased before run() has started, which is routine for us
        // (run() starts in a sibling task); its own logs are kept to errors.
        var poolLogger = logger
        poolLogger.logLevel = .error
        self.client = PostgresClient(configuration: config, backgroundLogger: poolLogger)
        self.logger = logger
        self.displayName = "postgres://\(host):\(parts.port ?? 5432)/\(database)"
    }

    public func run() async {
        await client.run()
    }

    /// Opens and closes one direct connection, so a server that is down, a database that
    /// does not exist or a wrong password is reported within seconds and with the
    /// server's reason; the pool would retry for about a minute and then say only that it
    /// gave up.
    public func probe() async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: probeConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch let error as PSQLError {
            throw Self.map(error, database: displayName)
        }
    }

    /// The pool closes when the task running `run()` is cancelled.
    public func close() async {}

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await withConnection { try await Self.run(sql, binds, on: $0, logger: self.logger) }
    }

    /// A pooled connection (the wait for it counted in ``DatabaseWait``); failing to get one (server down, database missing, wrong
    /// password) is a ``StorageError`` like any other.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let asked = ContinuousClock.now
        do {
            return try await client.withConnection { connection in
                DatabaseWait.record(since: asked)
                return try await body(connection)
            }
        } catch let error as PSQLError {
            throw Self.map(error, database: displayName)
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await withConnection { connection in
            let inside = Inside(connection: connection, logger: self.logger)
            _ = try await inside.query("BEGIN", [])
            do {
                let value = try await body(inside)
                _ = try await inside.query("COMMIT", [])
                return value
            } catch {
                _ = try? await inside.query("ROLLBACK", [])
                throw error
            }
        }
    }

    public func withLease<T: Sendable>(
        _ key: Int64, heartbeat: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        try await withConnection { connection in
            let logger = self.logger
            let held = try await Self.run(
                "SELECT pg_try_advisory_lock($1) AS held", [.int(key)], on: connection, logger: logger)
            guard try held.first?.bool("held") == true else { return nil }
            let outcome = await withTaskGroup(of: Result<T, any Error>?.self) { group in
                group.addTask {
                    do { return .success(try await body()) } catch { return .failure(error) }
                }
                group.addTask {
                    for await _ in Ticks(every: heartbeat).dropFirst() {
                        do { _ = try await Self.run("SELECT 1", [], on: connection, logger: logger) } catch {
                            return .failure(
                                StorageError.unavailable(detail: "the connection holding lease \(key) was lost"))
                        }
                    }
                    return nil
                }
                var first: Result<T, any Error>?
                for await result in group {
                    guard let result else { continue }
                    first = result
                    group.cancelAll()
                    break
                }
                return first ?? .failure(CancellationError())
            }
            _ = try? await Self.run("SELECT pg_advisory_unlock($1)", [.int(key)], on: connection, logger: logger)
            return try outcome.get()
        }
    }

    private struct Inside: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger
        var dialect: SQLDialect { .postgres }
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await PostgresDatabase.run(sql, binds, on: connection, logger: logger)
        }
    }

    static func run(_ sql: String, _ binds: [SQLValue], on connection: PostgresConnection, logger: Logger)
        async throws -> [SQLRow]
    {
        var bindings = PostgresBindings(capacity: binds.count)
        for b in binds {
            switch b {
            case .int(let i): bindings.append(i)
            case .text(let s): bindings.append(s)
            case .double(let d): bindings.append(d)
            case .bool(let v): bindings.append(v)
            case .null: bindings.appendNull()
            }
        }
        do {
            var rows: [SQLRow] = []
            let sequence = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            for try await row in sequence {
                var columns: [String: SQLValue] = [:]
                for cell in row {
                    columns[cell.columnName] = try value(of: cell)
                }
                rows.append(SQLRow(columns: columns))
            }
            return rows
        } catch let error as PSQLError {
            throw map(error)
        }
    }

    private static func value(of cell: PostgresCell) throws -> SQLValue {
        if cell.bytes == nil { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return .int(try cell.decode(Int64.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .float8, .float4: return .double(try cell.decode(Double.self))
        case .numeric: return .text("\(try cell.decode(Decimal.self))")
        default: return .text(try cell.decode(String.self))
        }
    }

    static func map(_ e: PSQLError, database: String = "the configured database") -> StorageError {
        guard let info = e.serverInfo else {
            return .unavailable(detail: "\(e.code)")
        }
        let state = info[.sqlState] ?? ""
        let message = info[.message] ?? ""
        let constraint = info[.constraintName] ?? message
        switch state {
        case "23505": return .uniqueViolation(constraint: constraint, detail: message)
        case "23514", "23P01", "23502", "P0001": return .checkViolation(constraint: constraint, detail: message)
        case "23503": return .foreignKeyViolation(detail: message)
        case "40001", "40P01", "55P03": return .conflict(detail: message)
        case "3D000": return .missingDatabase(where: database)
        case let s where s.hasPrefix("08") || s.hasPrefix("57"): return .unavailable(detail: message)
        default: return .other(detail: "\(state) \(message)")
        }
    }
}

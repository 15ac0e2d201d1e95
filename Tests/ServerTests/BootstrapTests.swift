import Foundation
import Server
import Storage
import TestSupport
import Testing

/// The composition root's database rules: operator commands never create or migrate.
@Suite("Bootstrap: how every command opens the database")
struct BootstrapTests {
    static func boot(_ environment: [String: String]) throws -> Bootstrap {
        Bootstrap(config: try ServerConfiguration.fromEnvironment(environment), logger: TestDatabase.logger)
    }

    @Test("a missing SQLite database is refused by requireCurrent with nothing created; migrate creates it")
    func missingSQLite() async throws {
        try await ScratchDatabase.directory(prefix: "gp4u-boot") { dir in
            let data = dir + "/data"
            let boot = try Self.boot(["GP4U_DATA_DIR": data])
            await #expect {
                try await boot.withStore(.requireCurrent) { _ in }
            } throws: { error in
                if case StorageError.missingDatabase(let place) = error { return place == data + "/gp4u.sqlite" }
                return false
            }
            #expect(!FileManager.default.fileExists(atPath: data), "not even the data folder")
            #expect(try await boot.migrate() == Schema.migrations.map(\.version))
            #expect(try await boot.withStore(.requireCurrent) { try await $0.balance(of: .revenue) } == .zero)
            #expect(try await boot.migrate().isEmpty)
        }
    }

    @Test("a missing PostgreSQL database is missingDatabase, not a generic failure")
    func missingPostgres() async throws {
        guard let admin = ProcessInfo.processInfo.environment["GP4U_TEST_DATABASE_URL"], !admin.isEmpty else { return }
        var url = URLComponents(string: admin)!
        url.path = "/gp4u_no_such_database"
        let boot = try Self.boot(["GP4U_DATABASE_URL": url.string!])
        await #expect {
            try await boot.withStore(.requireCurrent) { _ in }
        } throws: { error in
            if case StorageError.missingDatabase = error { return true }
            return false
        }
    }
}

import Foundation
import Server
import Signer
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

    @Test("hot wallets decrypt with the password file; a wrong password names the keystore variable")
    func hotWallets() async throws {
        try await ScratchDatabase.directory(prefix: "gp4u-hot") { dir in
            let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
            try Keystore.write(
                try Keystore.encrypt(key, password: Array("right".utf8), scrypt: .init(n: 1024, r: 8, p: 1)),
                to: dir + "/hot.json")
            try "right\n".write(toFile: dir + "/pw", atomically: true, encoding: .utf8)
            try "wrong\n".write(toFile: dir + "/bad", atomically: true, encoding: .utf8)
            var env = ConfigurationTests.devChain(["GP4U_CHAIN_1337_HOT_WALLET_KEYSTORE": dir + "/hot.json"])
            env["GP4U_HOT_WALLET_PASSWORD_FILE"] = dir + "/pw"
            let wallets = try Self.boot(env).hotWallets()
            #expect(wallets[1337]?.address == key.address && wallets.count == 1)
            #expect(!"\(wallets[1337]!)".contains("4c0883a6"), "a wallet never prints its key")
            env["GP4U_HOT_WALLET_PASSWORD_FILE"] = dir + "/bad"
            #expect {
                try Self.boot(env).hotWallets()
            } throws: { error in
                (error as? ConfigError)?.variable == "GP4U_CHAIN_1337_HOT_WALLET_KEYSTORE"
            }
        }
    }
}

import ArgumentParser
import Storage

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations and exit.")

    func run() async throws {
        let env = try Environment.load()
        do {
            let applied = try await withDatabase(env.config.database, logger: env.logger) { db in
                try await Migrator(logger: env.logger).migrate(db)
            }
            print(
                applied.isEmpty
                    ? "schema is current" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        } catch {
            throw fail("migration failed: \(error)")
        }
    }
}

import ArgumentParser
import Server

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create the database if needed, apply pending migrations and exit.")

    func run() async throws {
        let boot = try Bootstrap.command()
        do {
            let applied = try await boot.migrate()
            print(
                applied.isEmpty
                    ? "schema is current" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        } catch {
            throw fail("migration failed: \(error)")
        }
    }
}

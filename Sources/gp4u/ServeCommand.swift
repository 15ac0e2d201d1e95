import ArgumentParser
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the API, web app and background services (migrates the database first).",
        discussion: "Configured by environment variables (see README.md or .env.example); ./.env is read if present.")

    func run() async throws {
        let boot = try Bootstrap.command()
        do {
            try await boot.serve(version: GP4UVersion.current)
        } catch let error as ConfigError {
            throw fail(error.description, code: 2)
        } catch {
            throw fail("\(error)")
        }
    }
}

import ArgumentParser
import Brokerage
import Foundation
import Server
import Storage

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage accounts.", subcommands: [UsersCreateCommand.self])
}

/// Creates an account directly, so a fresh install can get its first operator.
struct UsersCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a user (e.g. the first operator).")

    @Option(help: "The user's email.") var email: String
    @Option(help: "renter, provider or operator.") var role: String = "renter"
    @Option(help: "Read the password from this file instead of prompting.") var passwordFile: String?

    func validate() throws {
        guard Role(rawValue: role) != nil else { throw ValidationError("--role must be renter, provider or operator") }
    }

    func run() async throws {
        let boot = try Bootstrap.command()
        var bytes = try passwordFile.map(Password.fromFile) ?? Password.prompt(confirm: true)
        let password = String(decoding: bytes, as: UTF8.self)
        Password.zero(&bytes)
        do {
            let (email, role) = (email, role)
            let user = try await boot.run(.requireCurrent) { store in
                let accounts = AccountService(
                    store: store, tokens: try await TokenService.forServer(boot.config, logger: boot.logger),
                    throttle: LoginThrottle(attempts: store))
                return try await accounts.signup(email: email, password: password, role: Role(rawValue: role)!)
            }
            print("created \(user.role.rawValue) \(user.email) (id \(user.id))")
        } catch let error as AccountsError {
            throw fail(error.description)
        } catch {
            throw fail("\(error)")
        }
    }
}

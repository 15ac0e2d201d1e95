import ArgumentParser
import Brokerage
import Storage

/// Who is acting: operator actions are recorded against an operator account.
struct OperatorOptions: ParsableArguments {
    @Option(name: .customLong("operator"), help: "Email of the operator account doing this (recorded with the action).")
    var operatorEmail: String

    /// The operator's user id; refuses unknown accounts and non-operators.
    func resolve(_ store: SQLStore) async throws -> User {
        guard let user = try await store.user(email: Email(verbatim: Email.normalized(operatorEmail))) else {
            throw fail("no account \(operatorEmail); create one with: gp4u users create --role operator --email ...")
        }
        guard user.role == .operator else { throw fail("\(operatorEmail) is a \(user.role.rawValue), not an operator") }
        return user
    }
}

/// A user named by id or email.
func resolveUser(_ text: String, in store: SQLStore) async throws -> User {
    if let user = try await store.user(email: Email(verbatim: Email.normalized(text))) { return user }
    if let user = try await store.user(id: text) { return user }
    throw fail("no user \(text); give the account's id or email")
}

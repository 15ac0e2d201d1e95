import Logging
import Storage

/// What the HTTP app needs, built once by the composition root (or by a test).
public struct AppDependencies: Sendable {
    public let store: SQLStore
    public let accounts: AccountService
    public let version: String

    public init(store: SQLStore, accounts: AccountService, version: String) {
        self.store = store
        self.accounts = accounts
        self.version = version
    }
}

import Brokerage
import ChainWatcher
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Storage
import Synchronization
import TestSupport
import Timekeeping

/// The real app on a fresh database of the given backend, driven through
/// HummingbirdTesting. bcrypt runs at cost 4 here to keep the suite fast; a separate
/// test pins the production cost.
enum TestApp {
    /// The production limits, except per address: every test request comes from one.
    static let limits: LoginThrottle.Limits = {
        var limits = LoginThrottle.Limits()
        (limits.signupsPerIP, limits.checksPerIP) = (100_000, 100_000)
        return limits
    }()

    static func with(
        _ backend: Backend, clock: ManualTimeSource = ManualTimeSource(), simulation: Bool = true,
        market: MarketIndexHolder = MarketIndexHolder(),
        providerHealth: ProviderHealthBoard = ProviderHealthBoard(feeds: []),
        withdrawals: WithdrawalConfiguration = WithdrawalConfiguration(),
        withdrawalChains: [Int: WithdrawalChain]? = nil, cors: CORSPolicy = .off,
        trustedProxies: TrustedProxies = .none,
        limits: LoginThrottle.Limits = TestApp.limits, testing: TestingSetup = .router,
        replica: String? = nil, chains: [ChainConfiguration] = [], rentingProviders: Set<String> = [],
        _ body: @escaping @Sendable (any TestClientProtocol, AppDependencies) async throws -> Void
    ) async throws {
        try await TestDatabase.with(backend) { db in
            let store = SQLStore(db: db)
            let accounts = AccountService(
                store: store, tokens: await TokenService(secret: String(repeating: "test-secret-", count: 3)),
                throttle: LoginThrottle(attempts: store, limits: limits, clock: clock), bcryptCost: 4, clock: clock)
            let deps = AppDependencies(
                store: store, accounts: accounts, version: "test", simulation: simulation, clock: clock,
                market: market, providerHealth: providerHealth, chains: chains, withdrawals: withdrawals,
                withdrawalChains: withdrawalChains, cors: cors, trustedProxies: trustedProxies,
                marketChanges: replica.flatMap { name in
                    (db as? any ChangeFeed).map { MarketChanges(feed: $0, replica: name, logger: Logger(label: name)) }
                }, rentingProviders: rentingProviders)
            let (router, _) = buildRouter(deps)
            try await Application(router: router).test(testing) { client in
                try await body(DocumentedClient(client), deps)
            }
        }
    }
}

extension TestClientProtocol {
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Signs up and logs in; returns the bearer token.
    func signupAndLogin(email: String, password: String = "correct horse battery") async throws -> String {
        let signup = try await send(
            .post, "/api/v1/auth/signup", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        precondition(signup.status == .created, "signup failed: \(String(buffer: signup.body))")
        let login = try await send(
            .post, "/api/v1/auth/login", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        return try login.json()["access_token"] as! String
    }
}

extension TestResponse {
    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    /// The contract's `error.code`, or nil when the body is not an error.
    var errorCode: String? {
        ((try? json())?["error"] as? [String: Any])?["code"] as? String
    }

    /// The one field a validation error names (the key of `error.details`).
    var errorField: String? {
        let details = ((try? json())?["error"] as? [String: Any])?["details"] as? [String: Any]
        return details?.count == 1 ? details?.keys.first : nil
    }
}

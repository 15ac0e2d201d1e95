import Brokerage
import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import Timekeeping

/// Signup, login and profile changes: the rules around the `UserStore`.
public struct AccountService: Sendable {
    let store: any UserStore
    let tokens: TokenService
    let throttle: LoginThrottle
    let bcryptCost: UInt8
    let clock: any TimeSource
    /// A real hash of a random password, verified when the email is unknown so that an
    /// unknown email takes as long as a wrong password (no account enumeration by timing).
    /// Made on first use, off the cooperative pool.
    let decoy: DecoyHash

    public init(
        store: any UserStore, tokens: TokenService, throttle: LoginThrottle, bcryptCost: UInt8 = 12,
        clock: any TimeSource = SystemTimeSource()
    ) {
        precondition(bcryptCost >= 4)
        self.store = store
        self.tokens = tokens
        self.throttle = throttle
        self.bcryptCost = bcryptCost
        self.clock = clock
        self.decoy = DecoyHash(cost: bcryptCost)
    }

    public func signup(email rawEmail: String, password: String, role: Role = .renter) async throws -> User {
        let email = try Email(rawEmail)
        try PasswordPolicy.validate(password)
        let hash = try await Self.offloaded { Bcrypt.hash(password, cost: self.bcryptCost) }
        return try await store.createUser(
            User(
                id: UUID().uuidString.lowercased(), email: email, passwordHash: hash, role: role,
                createdAt: clock.epochSeconds))
    }

    public struct Login: Sendable {
        public let accessToken: String
        public let expiresIn: Int64
        public let user: User
    }

    /// Throws 429 (via `APIError`) while throttled, and the same `invalidCredentials`
    /// for an unknown email and a wrong password.
    public func login(email rawEmail: String, password: String, clientIP: String) async throws -> Login {
        let key = Email.normalized(rawEmail)
        let user = try await store.user(email: Email(verbatim: key))
        guard try await checkPassword(password, of: user, email: key, clientIP: clientIP), let user else {
            throw AccountsError.invalidCredentials
        }
        return try await startSession(for: user)
    }

    /// One throttled password check (a login, or a password change proving the current
    /// one): admitted or 429, then bcrypt against the user's hash, or against the decoy
    /// when there is no such user; a right password clears the email's failures.
    func checkPassword(_ password: String, of user: User?, email key: String, clientIP: String) async throws -> Bool {
        if let wait = try await throttle.admitPasswordCheck(email: key, ip: clientIP) {
            throw Self.throttled(wait, "too many password checks")
        }
        let hash = if let user { user.passwordHash } else { try await decoy.value() }
        guard try await Self.offloaded({ Bcrypt.verify(password, hash: hash) }), user != nil else { return false }
        try await throttle.succeeded(email: key, ip: clientIP)
        return true
    }

    /// 429 `too_many_attempts` with `Retry-After`.
    static func throttled(_ wait: Int64, _ what: String) -> APIError {
        APIError(
            .tooManyRequests, code: "too_many_attempts", message: "\(what); try again in \(wait) seconds",
            headers: [.retryAfter: "\(wait)"])
    }

    /// Resolves a bearer token to a live identity.
    public func identity(forToken token: String) async throws -> Identity? {
        guard let claims = await tokens.verify(token),
            let (session, user) = try await store.sessionAndUser(sessionID: claims.sessionID),
            !session.revoked, session.expiresAt > clock.epochSeconds, session.userID == claims.userID
        else { return nil }
        return Identity(userID: user.id, role: user.role, sessionID: session.id)
    }

    /// bcrypt at cost 12 takes a few hundred milliseconds: never on an event loop.
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}

/// The decoy hash, computed once when first needed.
actor DecoyHash {
    let cost: UInt8
    private var hash: String?

    init(cost: UInt8) { self.cost = cost }

    func value() async throws -> String {
        if let hash { return hash }
        let cost = self.cost
        let made = try await AccountService.offloaded { Bcrypt.hash(UUID().uuidString, cost: cost) }
        hash = made
        return made
    }
}

import Brokerage
import Timekeeping

/// Slows password guessing and account farming, with limits every replica shares (the
/// attempts are stored in the database). A password check (a login, or a password change
/// proving the current one) counts as a failure from the moment it is admitted, before
/// the slow bcrypt comparison, so parallel guesses cannot all pass before the first
/// failure is recorded; a right password clears its email's failures. Every password
/// check and every signup also counts against the address, right or wrong, since each
/// costs a bcrypt's worth of CPU.
public struct LoginThrottle: Sendable {
    public struct Limits: Sendable {
        /// Wrong passwords per email, and per address, within `failureWindow` seconds.
        public var failuresPerEmail = 5
        public var failuresPerIP = 20
        public var failureWindow: Int64 = 900
        /// Password checks per address within `checkWindow` seconds, right or wrong.
        public var checksPerIP = 30
        public var checkWindow: Int64 = 60
        /// Signups per address within `signupWindow` seconds.
        public var signupsPerIP = 10
        public var signupWindow: Int64 = 3600

        public init() {}

        /// No limit that a benchmark's load could reach.
        public static let unlimited: Limits = {
            var l = Limits()
            (l.failuresPerEmail, l.failuresPerIP, l.checksPerIP, l.signupsPerIP) = (.max, .max, .max, .max)
            return l
        }()
    }

    let attempts: any AttemptStore
    public let limits: Limits
    let clock: any TimeSource

    public init(attempts: any AttemptStore, limits: Limits = Limits(), clock: any TimeSource = SystemTimeSource()) {
        self.attempts = attempts
        self.limits = limits
        self.clock = clock
    }

    /// Admits one password check for `email` (normalised) from `ip`, counted as a failure
    /// until ``succeeded(email:ip:)``; or, at a limit, the seconds to wait.
    public func admitPasswordCheck(email: String, ip: String) async throws -> Int64? {
        try await attempts.admitAttempt(
            [
                AttemptLimit(key: "login-email:\(email)", limit: limits.failuresPerEmail, window: limits.failureWindow),
                AttemptLimit(key: "login-ip:\(ip)", limit: limits.failuresPerIP, window: limits.failureWindow),
                AttemptLimit(key: "check-ip:\(ip)", limit: limits.checksPerIP, window: limits.checkWindow),
            ], now: clock.epochSeconds)
    }

    /// The admitted password was right: the email's failures are cleared and this check
    /// no longer counts as a failure of the address.
    public func succeeded(email: String, ip: String) async throws {
        try await attempts.forgetAttempts(key: "login-email:\(email)")
        try await attempts.forgetLatestAttempt(key: "login-ip:\(ip)")
    }

    /// Admits one signup from `ip`; or the seconds to wait.
    public func admitSignup(ip: String) async throws -> Int64? {
        try await attempts.admitAttempt(
            [AttemptLimit(key: "signup-ip:\(ip)", limit: limits.signupsPerIP, window: limits.signupWindow)],
            now: clock.epochSeconds)
    }

    /// Admits one wallet sign-in nonce from `ip` (each may store a row), counted with the
    /// address's password checks; or the seconds to wait.
    public func admitWalletNonce(ip: String) async throws -> Int64? {
        try await attempts.admitAttempt(
            [AttemptLimit(key: "check-ip:\(ip)", limit: limits.checksPerIP, window: limits.checkWindow)],
            now: clock.epochSeconds)
    }
}

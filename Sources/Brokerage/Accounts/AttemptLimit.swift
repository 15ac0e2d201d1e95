/// At most `limit` attempts under `key` within `window` seconds: how logins, password
/// checks and signups are slowed. The attempts are stored where every replica sees them.
public struct AttemptLimit: Sendable, Hashable {
    public let key: String
    public let limit: Int
    public let window: Int64

    public init(key: String, limit: Int, window: Int64) {
        self.key = key
        self.limit = max(1, limit)
        self.window = max(1, window)
    }

    /// Seconds until one more attempt fits, given the times of the recent attempts under
    /// `key` (any order); nil when one fits now.
    public func wait(recent: [Int64], now: Int64) -> Int64? {
        let inside = recent.filter { $0 > now - window }.sorted(by: >)
        guard inside.count >= limit else { return nil }
        return max(1, inside[limit - 1] + window - now)
    }

    /// Admits one attempt under every limit or under none: given each limit with the
    /// recent attempts under its key, the longest wait, or nil.
    public static func wait(_ limits: [(AttemptLimit, recent: [Int64])], now: Int64) -> Int64? {
        limits.compactMap { limit, recent in limit.wait(recent: recent, now: now) }.max()
    }
}

/// Where attempts are counted: a store every replica shares, so N servers do not give N
/// allowances.
public protocol AttemptStore: Sendable {
    /// In one transaction that other admissions of the same keys wait for: reads the
    /// recent attempts under the limits' keys, and when ``AttemptLimit/wait(_:now:)``
    /// admits one, records it under every key. Returns the wait, or nil when admitted.
    func admitAttempt(_ limits: [AttemptLimit], now: Int64) async throws -> Int64?
    /// Forgets every attempt under `key` (a right password clears its email's failures).
    func forgetAttempts(key: String) async throws
    /// Forgets the latest attempt under `key` (an admitted attempt that turned out right
    /// no longer counts as a failure of its address).
    func forgetLatestAttempt(key: String) async throws
}

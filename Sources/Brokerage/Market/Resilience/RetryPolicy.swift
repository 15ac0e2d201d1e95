/// Exponential backoff with full jitter for retryable provider errors.
///
/// Retry n (1-based) waits a uniform random time in `0...min(cap, base × 2^(n−1))`:
/// with the defaults the ceilings are 2 s, 4 s, 8 s, 16 s, 32 s ("full jitter", which
/// spreads retries of many clients best). Only errors marked retryable are retried.
public struct RetryPolicy: Sendable, Hashable {
    public var base: Duration
    public var cap: Duration
    public var maxRetries: Int

    public init(base: Duration = .seconds(2), cap: Duration = .seconds(32), maxRetries: Int = 5) {
        self.base = base
        self.cap = cap
        self.maxRetries = max(0, maxRetries)
    }

    /// The upper bound of the wait before retry `n` (1-based).
    public func ceiling(forRetry n: Int) -> Duration {
        let exponent = min(max(0, n - 1), 30)
        let raw = base * (1 << exponent)
        return raw < cap ? raw : cap
    }

    /// The wait before retry `n`, given a uniform random `unit` in 0..<1.
    public func delay(forRetry n: Int, unit: Double) -> Duration {
        let u = unit.isFinite ? min(max(unit, 0), 1) : 0
        return ceiling(forRetry: n) * u
    }
}

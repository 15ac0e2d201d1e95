import Foundation

/// Paces calls to one provider: `burst` tokens, refilled at `ratePerMinute`.
///
/// A call takes one token; with none left, ``tryAcquire(at:)`` says how long to wait. A
/// 429 from the provider means our idea of its quota is too generous: ``drain(at:)``
/// empties the bucket so the next calls wait for a refill.
public struct TokenBucket: Sendable {
    public let ratePerMinute: Int
    public let burst: Int
    private var tokens: Double
    private var updatedAt: Date

    public init(ratePerMinute: Int, burst: Int, now: Date) {
        self.ratePerMinute = max(1, ratePerMinute)
        self.burst = max(1, burst)
        self.tokens = Double(self.burst)
        self.updatedAt = now
    }

    private var perSecond: Double { Double(ratePerMinute) / 60 }

    private mutating func refill(at now: Date) {
        let elapsed = max(0, now.timeIntervalSince(updatedAt))
        tokens = min(Double(burst), tokens + elapsed * perSecond)
        updatedAt = max(updatedAt, now)
    }

    /// Takes a token and returns nil, or returns how long until one is available.
    public mutating func tryAcquire(at now: Date) -> Duration? {
        refill(at: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return .milliseconds(Int64(((1 - tokens) / perSecond * 1000).rounded(.up)))
    }

    /// Empties the bucket (after a 429).
    public mutating func drain(at now: Date) {
        refill(at: now)
        tokens = 0
    }

    /// Tokens available at `now` (for the health API).
    public func level(at now: Date) -> Double {
        var copy = self
        copy.refill(at: now)
        return copy.tokens
    }

    /// Operator reset: a full bucket.
    public mutating func reset(at now: Date) {
        tokens = Double(burst)
        updatedAt = now
    }
}

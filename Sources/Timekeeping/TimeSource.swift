import Foundation

/// Time as every service sees it: the wall clock (timestamps, ledger times, breaker and
/// bucket timing), a monotonic clock (latency, cool-downs) and sleeping. Injected, so
/// tests drive retries, backoff and polling exactly and never wait for real.
public protocol TimeSource: Sendable {
    /// Wall-clock now.
    var now: Date { get }
    /// Time on a monotonic clock since an arbitrary origin; only differences mean anything.
    var elapsed: Duration { get }
    /// Waits `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

extension TimeSource {
    /// Whole seconds since 1970 (rounded down), the unit the ledger and bookings use.
    public var epochSeconds: Int64 { Int64(now.timeIntervalSince1970.rounded(.down)) }
}

/// The real clocks.
public struct SystemTimeSource: TimeSource {
    private let origin = ContinuousClock.now

    public init() {}

    public var now: Date { Date() }
    public var elapsed: Duration { ContinuousClock.now - origin }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

extension Duration {
    /// Seconds as a floating value (for `Date` arithmetic and reports).
    public var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    /// Whole nanoseconds (for swift-metrics timers, which take integers).
    public var wholeNanoseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}

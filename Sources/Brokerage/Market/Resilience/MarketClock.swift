import Foundation
import Synchronization

/// Time as the resilience layer and sync service see it, injected so tests are exact and
/// never sleep for real.
public protocol MarketClock: Sendable {
    /// Wall-clock now (stamps `last_synced`; also drives breaker and bucket timing).
    var now: Date { get }
    /// Waits `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemMarketClock: MarketClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// A deterministic clock for tests and simulations: `sleep` advances time immediately
/// and records the requested duration, so backoff and pacing are observable without waiting.
public final class ManualMarketClock: MarketClock {
    private let state: Mutex<(now: Date, sleeps: [Duration])>

    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) { state = Mutex((now, [])) }

    public var now: Date { state.withLock { $0.now } }

    /// Every duration passed to `sleep`, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    public func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.addingTimeInterval(duration.seconds) }
    }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(duration)
            $0.now = $0.now.addingTimeInterval(duration.seconds)
        }
    }
}

extension Duration {
    /// Seconds as a floating value (for `Date` arithmetic and reports).
    public var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}

import Foundation
import Synchronization

/// A test clock: `sleep` returns at once after moving both clocks forward and recording
/// the wait, so backoff schedules, cool-downs and polling can be asserted exactly.
public final class ManualTimeSource: TimeSource {
    private let state: Mutex<(now: Date, elapsed: Duration, sleeps: [Duration])>

    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) { state = Mutex((now, .zero, [])) }

    public var now: Date { state.withLock { $0.now } }
    public var elapsed: Duration { state.withLock { $0.elapsed } }

    /// Every duration passed to `sleep`, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Moves time forward without a sleep (time passing between calls).
    public func advance(by duration: Duration) {
        state.withLock {
            $0.now = $0.now.addingTimeInterval(duration.seconds)
            $0.elapsed += duration
        }
    }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(duration)
            $0.now = $0.now.addingTimeInterval(duration.seconds)
            $0.elapsed += duration
        }
    }
}

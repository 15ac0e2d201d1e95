import Synchronization

/// A test clock: `sleep` returns at once after moving time forward and recording the
/// wait, so backoff schedules and cool-downs can be asserted exactly.
public final class ManualRPCClock: RPCClock {
    private let state = Mutex<(elapsed: Duration, waits: [Duration])>((.zero, []))

    public init() {}

    public func now() -> Duration { state.withLock { $0.elapsed } }

    /// Every duration passed to `sleep`, in order.
    public var waits: [Duration] { state.withLock { $0.waits } }

    /// Moves time forward without a sleep (time passing between polls).
    public func advance(by duration: Duration) { state.withLock { $0.elapsed += duration } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.waits.append(duration)
            $0.elapsed += duration
        }
    }
}

/// Monotonic time and sleeping for the RPC pool (latency, cool-downs, backoff), injected
/// so tests run the retry and failover logic exactly and without waiting.
public protocol RPCClock: Sendable {
    /// Time elapsed since an arbitrary fixed origin; only differences are meaningful.
    func now() -> Duration
    /// Waits `duration`; throws when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real monotonic clock.
public struct SystemRPCClock: RPCClock {
    private let origin = ContinuousClock.now
    public init() {}
    public func now() -> Duration { ContinuousClock.now - origin }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// The polling loop every ticking service uses: a tick at once, then one after every
/// `interval` on the injected clock; it ends when the sleep throws (cancellation).
/// Services iterate it with `.cancelOnGracefulShutdown()`, so on shutdown a tick in
/// progress finishes and no new one starts.
public struct Ticks: AsyncSequence, Sendable {
    public typealias Element = Void
    public let interval: Duration
    public let clock: any TimeSource

    public init(every interval: Duration, clock: any TimeSource = SystemTimeSource()) {
        self.interval = interval
        self.clock = clock
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let interval: Duration
        let clock: any TimeSource
        var started = false

        public mutating func next() async -> Void? {
            guard started else {
                started = true
                return Task.isCancelled ? nil : ()
            }
            do { try await clock.sleep(for: interval) } catch { return nil }
            return Task.isCancelled ? nil : ()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(interval: interval, clock: clock) }
}

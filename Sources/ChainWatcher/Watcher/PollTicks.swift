/// Ticks at once and then after every `interval` of the injected sleep; ends when the
/// sleep throws (cancellation).
struct PollTicks: AsyncSequence, Sendable {
    typealias Element = Void
    let interval: Duration
    let sleep: @Sendable (Duration) async throws -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let interval: Duration
        let sleep: @Sendable (Duration) async throws -> Void
        var started = false

        mutating func next() async -> Void? {
            guard started else {
                started = true
                return Task.isCancelled ? nil : ()
            }
            do { try await sleep(interval) } catch { return nil }
            return Task.isCancelled ? nil : ()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(interval: interval, sleep: sleep) }
}

import Synchronization

/// Shares the current ``MarketIndex`` between the sync service (one writer) and request
/// handlers (many readers). Reading takes a lock only to copy a reference, so readers
/// never wait for a rebuild: the new index is built outside the lock and swapped in.
public final class MarketIndexHolder: Sendable {
    private struct State {
        var index: MarketIndex
        var preparations: [@Sendable (MarketIndex) -> Void] = []
    }

    private let state: Mutex<State>

    public init(_ index: MarketIndex = .empty) { state = Mutex(State(index: index)) }

    /// The index as of the last completed sync.
    public var current: MarketIndex { state.withLock { $0.index } }

    /// Installs a freshly built index, once every preparation has seen it.
    public func replace(with index: MarketIndex) {
        for prepare in state.withLock({ $0.preparations }) { prepare(index) }
        state.withLock { $0.index = index }
    }

    /// Runs `prepare` on each new index before readers can see it (on the replacing
    /// task), and now on the current one: for answers derived from an index, such as
    /// rendered JSON, that would otherwise be made by the first request after a sync
    /// while the requests behind it wait.
    public func prepareEachIndex(with prepare: @escaping @Sendable (MarketIndex) -> Void) {
        state.withLock { $0.preparations.append(prepare) }
        prepare(current)
    }
}

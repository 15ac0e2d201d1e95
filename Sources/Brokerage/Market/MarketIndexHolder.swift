import Synchronization

/// Shares the current ``MarketIndex`` between the sync service (one writer) and request
/// handlers (many readers). Reading takes a lock only to copy a reference, so readers
/// never wait for a rebuild: the new index is built outside the lock and swapped in.
public final class MarketIndexHolder: Sendable {
    private let state: Mutex<MarketIndex>

    public init(_ index: MarketIndex = .empty) { state = Mutex(index) }

    /// The index as of the last completed sync.
    public var current: MarketIndex { state.withLock { $0 } }

    /// Installs a freshly built index.
    public func replace(with index: MarketIndex) { state.withLock { $0 = index } }
}

import Synchronization

/// Shares the current ``MarketIndex`` between its writers (the sync service, and routes
/// that change a listing) and request handlers (many readers). Reading takes a lock only
/// to copy a reference, so readers never wait for a rebuild: the new index is built
/// outside the lock and swapped in.
public final class MarketIndexHolder: Sendable {
    private struct State {
        var index: MarketIndex
        var preparations: [@Sendable (MarketIndex) -> Void] = []
        var ticketsIssued: UInt64 = 0
        var publishedTicket: UInt64 = 0
    }

    private let state: Mutex<State>
    private let writing = Mutex(())

    public init(_ index: MarketIndex = .empty) { state = Mutex(State(index: index)) }

    /// The latest published index.
    public var current: MarketIndex { state.withLock { $0.index } }

    /// Take one before reading the offers an index is built from, and give it back to
    /// ``replace(with:ticket:)``: two writers that rebuild at once (a sync, and a route
    /// after a listing changed) then cannot publish an index read before the other's.
    public func ticket() -> UInt64 {
        state.withLock { s in
            s.ticketsIssued += 1
            return s.ticketsIssued
        }
    }

    /// Installs a freshly built index, once every preparation has seen it, unless an index
    /// read under a later ticket is already published. Returns whether it was installed.
    /// Writers take turns, so only an index that will be published is prepared.
    @discardableResult
    public func replace(with index: MarketIndex, ticket: UInt64? = nil) -> Bool {
        let ticket = ticket ?? self.ticket()
        return writing.withLock { _ in
            guard state.withLock({ ticket > $0.publishedTicket }) else { return false }
            for prepare in state.withLock({ $0.preparations }) { prepare(index) }
            state.withLock { ($0.index, $0.publishedTicket) = (index, ticket) }
            return true
        }
    }

    /// Runs `prepare` on each new index before readers can see it (on the replacing
    /// task), and now on the current one: for answers derived from an index, such as
    /// rendered JSON, that would otherwise be made by the first request after a sync
    /// while the requests behind it wait.
    public func prepareEachIndex(with prepare: @escaping @Sendable (MarketIndex) -> Void) {
        writing.withLock { _ in
            state.withLock { $0.preparations.append(prepare) }
            prepare(current)
        }
    }
}

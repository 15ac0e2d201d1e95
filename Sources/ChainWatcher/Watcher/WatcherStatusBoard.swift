import Synchronization

/// The latest ``WatcherStatus`` of every chain, shared by the watchers (which publish)
/// and the server's routes or CLI (which read). Reads never wait for a poll.
public final class WatcherStatusBoard: Sendable {
    private let statuses = Mutex<[Int: WatcherStatus]>([:])
    private let refusals = Mutex<[Int: String]>([:])

    public init() {}

    /// Publishes a chain's status, replacing the previous one.
    public func publish(_ status: WatcherStatus) {
        statuses.withLock { $0[status.chainID] = status }
    }

    /// The status of one chain, nil if no watcher runs for it.
    public func status(chainID: Int) -> WatcherStatus? {
        statuses.withLock { $0[chainID] }
    }

    /// Records why a chain is not watched at all (its node serves another network), or
    /// clears it with nil, so readiness can say so instead of "standby".
    public func setRefusal(_ reason: String?, chainID: Int) {
        refusals.withLock { $0[chainID] = reason }
    }

    public func refusal(chainID: Int) -> String? {
        refusals.withLock { $0[chainID] }
    }

    /// All chains, by chain id.
    public var all: [WatcherStatus] {
        statuses.withLock { $0.values.sorted { $0.chainID < $1.chainID } }
    }
}

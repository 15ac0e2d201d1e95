import Ethereum

/// Something the state machine noticed that changes nothing in the ledger but must be
/// logged and counted: shallow reorgs, inconsistent node answers, refused logs.
public enum WatcherEvent: Sendable, Equatable {
    /// A reorg inside the unconfirmed window; pending deposits are recomputed.
    case reorg(ReorgNotice)
    /// A log's block hash is not the canonical hash at its height: the logs came from a
    /// node on another fork or behind. Nothing is credited; the poll is retried later.
    case blockHashMismatch(height: UInt64, logBlockHash: Hash32, canonical: Hash32)
    /// Consecutive headers do not link by `parentHash`: the answers mix forks.
    case brokenParentLink(height: UInt64)
    /// The node did not return headers at these heights (it is behind).
    case missingHeaders([UInt64])
    /// The node's head is below the height the watcher needs (it is behind).
    case nodeBehind(head: UInt64, needed: UInt64)
    /// A block's logs bloom says it may hold a deposit but the node returned no log for
    /// it: a node behind a load balancer answering empty logs for blocks it lacks.
    case logsMissing(height: UInt64)
    /// A log was refused.
    case discarded(DiscardedLog)
    /// An observation arrived that the current state did not ask for (a bug in the
    /// loop); the poll is abandoned and retried.
    case unexpected(String)
}

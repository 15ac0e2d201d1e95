import Ethereum

/// A reorg inside the unconfirmed window: nothing credited is affected, pending deposits
/// are recomputed. Reported so operators can see how deep reorgs get on each chain.
public struct ReorgNotice: Sendable, Hashable {
    /// The lowest remembered height whose hash changed.
    public let height: UInt64
    /// Blocks replaced, from `height` to the highest remembered height.
    public let depth: UInt64
    /// The hash the watcher had remembered.
    public let expected: Hash32
    /// The canonical hash now.
    public let found: Hash32

    public init(height: UInt64, depth: UInt64, expected: Hash32, found: Hash32) {
        self.height = height
        self.depth = depth
        self.expected = expected
        self.found = found
    }
}

import Ethereum

/// The part of a block header the watcher needs: where the block sits and what it
/// builds on. `parentHash` lets the watcher notice answers stitched together from nodes
/// on different forks (a load balancer in front of lagging nodes).
public struct ObservedHeader: Sendable, Hashable {
    /// The block height.
    public let number: UInt64
    /// The block hash.
    public let hash: Hash32
    /// The hash of the block below, which must be the canonical one at `number - 1`.
    public let parentHash: Hash32
    /// The block's logs bloom, when the node sent one: it tells a block that may hold a
    /// deposit from one that certainly does not.
    public let logsBloom: [UInt8]?

    public init(number: UInt64, hash: Hash32, parentHash: Hash32, logsBloom: [UInt8]? = nil) {
        self.logsBloom = logsBloom
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
    }

    /// This block as a cursor value.
    public var ref: BlockRef { BlockRef(number: number, hash: hash) }
}

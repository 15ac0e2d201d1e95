/// The fields of a block header GP4U reads: where the block sits and what it builds on
/// (reorg detection: `parentHash` exposes answers stitched together from nodes on
/// different forks), when it was made, and its logs bloom.
public struct BlockHeader: Sendable, Hashable {
    public let number: UInt64
    public let hash: Hash32
    /// The hash of the block below, which must be the canonical one at `number - 1`.
    public let parentHash: Hash32
    /// Seconds since the Unix epoch.
    public let timestamp: UInt64
    /// The 256-byte bloom over the block's logs, when the node sent one: it tells a block
    /// that may hold a deposit from one that certainly does not.
    public let logsBloom: [UInt8]?

    public init(number: UInt64, hash: Hash32, parentHash: Hash32, timestamp: UInt64 = 0, logsBloom: [UInt8]? = nil) {
        self.logsBloom = logsBloom
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
    }

    /// This block as a cursor value.
    public var ref: BlockRef { BlockRef(number: number, hash: hash) }
}

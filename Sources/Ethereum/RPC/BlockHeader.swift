/// The fields of a block the watcher needs: its height and hashes (reorg detection) and
/// its timestamp (when a deposit happened).
public struct BlockHeader: Sendable, Hashable {
    public let number: UInt64
    public let hash: Hash32
    public let parentHash: Hash32
    /// Seconds since the Unix epoch.
    public let timestamp: UInt64
    /// The 256-byte bloom over the block's logs, when the node sent one.
    public let logsBloom: [UInt8]?

    public init(number: UInt64, hash: Hash32, parentHash: Hash32, timestamp: UInt64, logsBloom: [UInt8]? = nil) {
        self.logsBloom = logsBloom
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
    }
}

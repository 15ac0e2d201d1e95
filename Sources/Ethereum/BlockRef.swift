/// A block by height and hash: the watcher's cursor and the unit of reorg detection.
///
/// A height alone is not enough: after a reorg the same height names another block, and
/// only the hash tells the watcher that what it credited is no longer canonical.
public struct BlockRef: Sendable, Hashable, CustomStringConvertible {
    /// The block height.
    public let number: UInt64
    /// The block hash at that height when it was seen.
    public let hash: Hash32

    public init(number: UInt64, hash: Hash32) {
        self.number = number
        self.hash = hash
    }

    public var description: String { "#\(number) \(hash.abbreviated)" }
}

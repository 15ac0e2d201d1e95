import Ethereum

/// A reorg that reached the credited cursor: blocks the watcher already credited from are
/// no longer canonical. Crediting on the chain stops until an operator has looked at the
/// affected deposits and runs `gp4u chain resume`; nothing is reversed automatically,
/// because reversing ledger entries a user may already have spent is an operator decision.
public struct ReorgIncident: Sendable, Hashable, CustomStringConvertible {
    /// The halted chain.
    public let chainID: Int
    /// The lowest height whose hash changed among those the watcher remembered.
    public let height: UInt64
    /// The hash the watcher had stored for `height`.
    public let expected: Hash32
    /// The canonical hash the node now reports for `height`.
    public let found: Hash32
    /// The credited cursor when the reorg was seen.
    public let cursor: BlockRef

    public init(chainID: Int, height: UInt64, expected: Hash32, found: Hash32, cursor: BlockRef) {
        self.chainID = chainID
        self.height = height
        self.expected = expected
        self.found = found
        self.cursor = cursor
    }

    public var description: String {
        "reorg on chain \(chainID) reached credited block \(height) (expected \(expected), found \(found); cursor \(cursor.number)); "
            + "crediting on this chain is stopped: check deposits credited from block \(height) on, then run `gp4u chain resume \(chainID)`"
    }
}

import Ethereum

/// What makes a deposit unique: `(chain_id, tx_hash, log_index)`. The ledger stores it
/// under a unique constraint so a deposit seen twice (replayed credit, restart, second
/// replica) is credited once.
public struct DepositKey: Sendable, Hashable, CustomStringConvertible {
    /// The chain the transfer happened on.
    public let chainID: Int
    /// The transaction that emitted the Transfer event.
    public let transactionHash: Hash32
    /// The log's index in its block; one transaction can pay several times.
    public let logIndex: UInt64

    public init(chainID: Int, transactionHash: Hash32, logIndex: UInt64) {
        self.chainID = chainID
        self.transactionHash = transactionHash
        self.logIndex = logIndex
    }

    public var description: String { "\(chainID):\(transactionHash):\(logIndex)" }
}

/// One event log as a node reports it (`eth_getLogs`, receipts), undecoded: the emitting
/// contract, topics, data, and where it sits. Consumers check and decode it themselves,
/// because a node's filter cannot be trusted: any contract can emit an identical Transfer
/// event, and a lagging node may answer from another fork (so `blockHash` must match the
/// canonical hash at `blockNumber` before anything is credited).
public struct EventLog: Sendable, Hashable {
    /// The contract that emitted the log.
    public var address: Address
    /// Topic 0 is the event signature; Transfer has sender and recipient as topics 1 and 2.
    public var topics: [Hash32]
    /// The non-indexed arguments (the amount, one 32-byte word, for Transfer).
    public var data: [UInt8]
    public var blockNumber: UInt64
    public var blockHash: Hash32
    /// The emitting transaction.
    public var transactionHash: Hash32
    /// The log's index in its block.
    public var logIndex: UInt64
    /// True when a node reports the log as undone by a reorg (absent means false).
    public var removed: Bool

    public init(
        address: Address, topics: [Hash32], data: [UInt8], blockNumber: UInt64, blockHash: Hash32,
        transactionHash: Hash32, logIndex: UInt64, removed: Bool = false
    ) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.removed = removed
    }
}

import Ethereum

/// One `eth_getLogs` entry, undecoded. The state machine decodes and filters it itself,
/// because a node's filter cannot be trusted: any contract can emit an identical
/// Transfer event, and a lagging node may answer from another fork.
public struct ObservedLog: Sendable, Hashable {
    /// The contract that emitted the log (`address` in JSON-RPC).
    public var emitter: Address
    /// Topic 0 is the event signature; Transfer has sender and recipient as topics 1 and 2.
    public var topics: [[UInt8]]
    /// The amount, one 32-byte word for Transfer.
    public var data: [UInt8]
    /// The block the node says holds the log.
    public var blockNumber: UInt64
    /// Cross-checked against the canonical hash at `blockNumber` before anything is credited.
    public var blockHash: Hash32
    /// The emitting transaction.
    public var transactionHash: Hash32
    /// The log's index in its block.
    public var logIndex: UInt64
    /// Set by nodes that report logs of blocks they have since dropped.
    public var removed: Bool

    public init(
        emitter: Address, topics: [[UInt8]], data: [UInt8], blockNumber: UInt64, blockHash: Hash32,
        transactionHash: Hash32, logIndex: UInt64, removed: Bool = false
    ) {
        self.emitter = emitter
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.removed = removed
    }
}

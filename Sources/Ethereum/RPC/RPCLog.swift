/// One log from `eth_getLogs` or a receipt, with the position fields the watcher keys
/// deposits by (`transactionHash` + `logIndex`) and checks against the canonical chain
/// (`blockHash` must equal the block hash at `blockNumber`).
public struct RPCLog: Sendable, Hashable {
    public let address: Address
    public let topics: [Hash32]
    public let data: [UInt8]
    public let blockNumber: UInt64
    public let blockHash: Hash32
    public let transactionHash: Hash32
    public let logIndex: UInt64
    /// True when a node reports the log as undone by a reorg (absent means false).
    public let removed: Bool

    public init(
        address: Address, topics: [Hash32], data: [UInt8], blockNumber: UInt64, blockHash: Hash32,
        transactionHash: Hash32,
        logIndex: UInt64, removed: Bool
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

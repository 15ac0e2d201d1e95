import Ethereum

/// What one chain's watcher watches and how cautiously. The integrator builds it from
/// the chain configuration; the state machine only reads it.
public struct DepositWatchSettings: Sendable, Hashable {
    /// The EIP-155 chain id.
    public let chainID: Int
    /// The USDC contract; logs from any other emitter are ignored.
    public let usdc: Address
    /// The platform's deposit (hot wallet) address.
    public let depositAddress: Address
    /// Blocks a transfer needs before it is credited, counting its own block as 1.
    public let confirmations: UInt64
    /// Extra remembered blocks below the confirmation depth, so a reorg reaching the
    /// cursor is reported with the lowest height it changed.
    public let reorgMargin: UInt64
    /// The first block to scan at first start (nil: the head at first start). Ignored
    /// once a cursor is stored.
    public let startBlock: UInt64?
    /// Range refusals tolerated in one poll before giving up until the next one.
    public let maxRangeRefusalsPerPoll: Int
    /// Confirmed chunks credited in one poll before a backfill yields to the next poll.
    public let maxChunksPerPoll: Int

    public init(
        chainID: Int, usdc: Address, depositAddress: Address, confirmations: UInt64, reorgMargin: UInt64 = 16,
        startBlock: UInt64? = nil, maxRangeRefusalsPerPoll: Int = 24, maxChunksPerPoll: Int = 64
    ) {
        precondition(confirmations >= 1, "confirmations count the inclusion block, so at least 1")
        self.chainID = chainID
        self.usdc = usdc
        self.depositAddress = depositAddress
        self.confirmations = confirmations
        self.reorgMargin = reorgMargin
        self.startBlock = startBlock
        self.maxRangeRefusalsPerPoll = maxRangeRefusalsPerPoll
        self.maxChunksPerPoll = max(1, maxChunksPerPoll)
    }

    /// Whether a block with this logs bloom may hold a deposit: the USDC contract, the
    /// Transfer topic and the deposit address as a topic are all possibly present.
    public func bloomMayHoldDeposit(_ bloom: [UInt8]) -> Bool {
        LogsBloom.mayContain(bloom, usdc.bytes) && LogsBloom.mayContain(bloom, ERC20.transferTopic)
            && LogsBloom.mayContain(bloom, [UInt8](repeating: 0, count: 12) + depositAddress.bytes)
    }

    /// Heights remembered for reorg checks: the confirmation depth plus the margin.
    public var reorgWindow: UInt64 { confirmations + reorgMargin }

    /// The highest block whose transfers are confirmed at `head` (nil while the chain
    /// is shorter than the confirmation depth).
    public func confirmedTip(head: UInt64) -> UInt64? {
        head + 1 >= confirmations ? head + 1 - confirmations : nil
    }
}

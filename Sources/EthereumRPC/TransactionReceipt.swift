import BigInt
import Ethereum

/// The outcome of a mined transaction, as the withdrawal sender needs it: where it was
/// included, whether it succeeded, what it cost and the logs it emitted.
public struct TransactionReceipt: Sendable, Hashable {
    public let transactionHash: Hash32
    public let blockNumber: UInt64
    public let blockHash: Hash32
    /// False when the transaction reverted (status 0): the nonce is used, the transfer is not done.
    public let succeeded: Bool
    public let gasUsed: UInt64
    /// Price paid per gas; `nil` from nodes that predate EIP-1559 receipts.
    public let effectiveGasPrice: BigUInt?
    public let logs: [EventLog]

    public init(
        transactionHash: Hash32, blockNumber: UInt64, blockHash: Hash32, succeeded: Bool, gasUsed: UInt64,
        effectiveGasPrice: BigUInt?, logs: [EventLog]
    ) {
        self.transactionHash = transactionHash
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.succeeded = succeeded
        self.gasUsed = gasUsed
        self.effectiveGasPrice = effectiveGasPrice
        self.logs = logs
    }
}

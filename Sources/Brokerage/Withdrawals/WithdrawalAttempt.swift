import Ethereum

/// One signed transaction for a withdrawal: stored (raw bytes, hash, fees) before it is
/// ever sent, so a crash at any point re-sends these bytes instead of signing anew.
public struct WithdrawalAttempt: Sendable, Hashable {
    public var hash: Hash32
    /// The signed EIP-1559 transaction, as sent to the node.
    public var raw: [UInt8]
    public var maxFeePerGas: BigUInt
    public var maxPriorityFeePerGas: BigUInt
    public var gasLimit: UInt64
    public var signedAt: Int64
    /// When a node last accepted it (or said it already knew it).
    public var broadcastAt: Int64?

    public init(
        hash: Hash32, raw: [UInt8], maxFeePerGas: BigUInt, maxPriorityFeePerGas: BigUInt, gasLimit: UInt64,
        signedAt: Int64, broadcastAt: Int64? = nil
    ) {
        self.hash = hash
        self.raw = raw
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.gasLimit = gasLimit
        self.signedAt = signedAt
        self.broadcastAt = broadcastAt
    }
}

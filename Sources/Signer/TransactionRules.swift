import BigInt
import Ethereum

/// Which checks ``SignedTransaction/decode(_:rules:)`` applies beyond the encoding.
public struct TransactionRules: Sendable, Hashable {
    /// Refuse a transaction for any other chain (and pre-EIP-155 replayable ones).
    public var expectedChainID: BigUInt?
    /// Apply the consensus limits a node enforces: nonce below 2^64 - 1, gas limit within
    /// 64 bits, gas limit × max fee within 256 bits, priority fee not above the max fee,
    /// and the intrinsic gas (Shanghai rules) covered by the gas limit.
    public var consensusLimits: Bool

    public init(expectedChainID: BigUInt? = nil, consensusLimits: Bool = false) {
        self.expectedChainID = expectedChainID
        self.consensusLimits = consensusLimits
    }

    /// Encoding and signature checks only: what every decoder must refuse.
    public static let structural = TransactionRules()

    /// Everything a node on `chainID` would check before accepting the transaction.
    public static func node(chainID: BigUInt) -> TransactionRules {
        TransactionRules(expectedChainID: chainID, consensusLimits: true)
    }
}

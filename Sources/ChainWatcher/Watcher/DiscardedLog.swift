import Ethereum

/// A log the node returned that the watcher refused to treat as a deposit, with why.
/// Counted in metrics: a steady stream of them means a misbehaving node or filter.
public struct DiscardedLog: Sendable, Equatable {
    /// Why a log is not a deposit.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// Emitted by another contract; anyone can emit an identical Transfer event.
        case foreignContract(Address)
        /// Not a well-formed Transfer event.
        case malformed(ABIError)
        /// A Transfer to another address (the filter asked for ours only).
        case otherRecipient(Address)
        /// Outside the block range that was asked for.
        case outsideRange
        /// Flagged `removed` by the node: its block was dropped.
        case removed
        /// More than the ledger can hold; no real USDC transfer is this large.
        case amountTooLarge

        /// A short label for metrics dimensions.
        public var label: String {
            switch self {
            case .foreignContract: "foreign_contract"
            case .malformed: "malformed"
            case .otherRecipient: "other_recipient"
            case .outsideRange: "outside_range"
            case .removed: "removed"
            case .amountTooLarge: "amount_too_large"
            }
        }

        public var description: String {
            switch self {
            case .foreignContract(let a): "emitted by \(a), not the USDC contract"
            case .malformed(let e): "malformed Transfer log: \(e)"
            case .otherRecipient(let a): "transfer to \(a), not the deposit address"
            case .outsideRange: "log outside the requested block range"
            case .removed: "log flagged removed"
            case .amountTooLarge: "amount does not fit the ledger"
            }
        }
    }

    /// Where the node said the log was.
    public let blockNumber: UInt64
    public let transactionHash: Hash32
    public let logIndex: UInt64
    /// Why it was refused.
    public let reason: Reason

    public init(blockNumber: UInt64, transactionHash: Hash32, logIndex: UInt64, reason: Reason) {
        self.blockNumber = blockNumber
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.reason = reason
    }
}

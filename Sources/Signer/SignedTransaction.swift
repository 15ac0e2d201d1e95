import BigInt
import Ethereum

/// A signed transaction: the transaction, its signature, the sender and the raw bytes
/// that are broadcast.
///
/// Values come either from signing (``Transaction/signed(with:)``) or from decoding raw
/// bytes (``decode(_:rules:)``), which recovers and stores the sender so an operator can
/// audit exactly what a raw transaction will do before it is sent.
public struct SignedTransaction: Sendable, Hashable {
    public let transaction: Transaction
    public let signature: Signature
    /// The recovered (or signing) account.
    public let sender: Address
    /// The bytes to pass to `eth_sendRawTransaction`.
    public let raw: [UInt8]

    init(transaction: Transaction, signature: Signature, sender: Address) {
        self.transaction = transaction
        self.signature = signature
        self.sender = sender
        self.raw = Self.encode(transaction, signature)
    }

    /// keccak256 of the raw bytes: the hash nodes and explorers show.
    public var hash: [UInt8] { Keccak256.hash(raw) }

    /// The legacy `v` value: 27/28 before EIP-155, `recoveryID + 35 + 2 × chainID` after;
    /// for typed transactions this is the y parity (0/1).
    public var v: BigUInt {
        switch transaction.fee {
        case .legacy:
            if let chainID = transaction.chainID {
                return BigUInt(signature.recoveryID) + 35 + 2 * chainID
            }
            return BigUInt(signature.recoveryID) + 27
        case .accessList, .dynamic:
            return BigUInt(signature.recoveryID)
        }
    }

    static func encode(_ tx: Transaction, _ sig: Signature) -> [UInt8] {
        let sigFields: [RLP] = [.uint(BigUInt(bigEndian: sig.r)), .uint(BigUInt(bigEndian: sig.s))]
        switch tx.fee {
        case .legacy(let gasPrice):
            let v: BigUInt = tx.chainID.map { BigUInt(sig.recoveryID) + 35 + 2 * $0 } ?? BigUInt(sig.recoveryID) + 27
            return RLP.list(tx.commonLegacyFields(gasPrice: gasPrice) + [.uint(v)] + sigFields).encoded()
        case .accessList, .dynamic:
            return [tx.type] + RLP.list(tx.typedFields() + [.uint(BigUInt(sig.recoveryID))] + sigFields).encoded()
        }
    }
}

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

/// Why a transaction could not be built, signed or decoded.
public enum TransactionError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case unsupportedType(UInt8)
    case rlp(RLPError)
    case wrongFieldCount(expected: Int, actual: Int)
    case fieldTooLarge(String)
    case leadingZero(String)
    case invalidRecipient
    case invalidAccessList
    case invalidV
    case missingChainID
    case invalidChainID
    case wrongChainID(expected: BigUInt, actual: BigUInt?)
    case signature(SignatureError)
    case nonceTooLarge
    case gasLimitTooLarge
    case feeProductOverflow
    case priorityFeeAboveMaxFee
    case intrinsicGasTooLow(required: BigUInt)

    public var description: String {
        switch self {
        case .empty: "transaction is empty"
        case .unsupportedType(let t): "transaction type \(t) is not supported (only 0, 1 and 2)"
        case .rlp(let e): "transaction encoding is invalid: \(e)"
        case .wrongFieldCount(let e, let a): "transaction has \(a) fields; expected \(e)"
        case .fieldTooLarge(let f): "transaction field \(f) is too large"
        case .leadingZero(let f): "transaction field \(f) has a leading zero byte (non-canonical)"
        case .invalidRecipient: "transaction recipient must be empty (contract creation) or 20 bytes"
        case .invalidAccessList: "access list entries must be [20-byte address, [32-byte keys]]"
        case .invalidV: "signature v is impossible (expected 27/28, or 35 + 2 × chain id + 0/1 with chain id > 0)"
        case .missingChainID: "typed transactions need a chain id"
        case .invalidChainID: "chain id must be positive"
        case .wrongChainID(let e, let a): "transaction is for chain \(a.map { "\($0)" } ?? "none (pre-EIP-155, replayable)"); expected \(e)"
        case .signature(let e): "transaction signature is invalid: \(e)"
        case .nonceTooLarge: "nonce must be below 2^64 - 1 (EIP-2681)"
        case .gasLimitTooLarge: "gas limit must fit in 64 bits"
        case .feeProductOverflow: "gas limit × fee per gas overflows 256 bits"
        case .priorityFeeAboveMaxFee: "max priority fee per gas is above max fee per gas"
        case .intrinsicGasTooLow(let r): "gas limit is below the intrinsic gas of \(r)"
        }
    }
}

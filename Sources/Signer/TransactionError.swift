import BigInt
import Ethereum

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
        case .wrongChainID(let e, let a):
            "transaction is for chain \(a.map { "\($0)" } ?? "none (pre-EIP-155, replayable)"); expected \(e)"
        case .signature(let e): "transaction signature is invalid: \(e)"
        case .nonceTooLarge: "nonce must be below 2^64 - 1 (EIP-2681)"
        case .gasLimitTooLarge: "gas limit must fit in 64 bits"
        case .feeProductOverflow: "gas limit × fee per gas overflows 256 bits"
        case .priorityFeeAboveMaxFee: "max priority fee per gas is above max fee per gas"
        case .intrinsicGasTooLow(let r): "gas limit is below the intrinsic gas of \(r)"
        }
    }
}

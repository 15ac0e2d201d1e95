import BigInt
import Ethereum

/// A USDC withdrawal to be signed: an ERC-20 `transfer` sent to the token contract as an
/// EIP-1559 transaction.
///
/// The builder refuses the mistakes that lose money silently: a zero or negative amount,
/// the zero address, sending the tokens to the token contract itself, a priority fee above
/// the max fee, or a gas limit too low to ever execute.
public struct WithdrawalTransaction: Sendable, Hashable {
    public var chainID: UInt64
    public var token: Address
    public var recipient: Address
    public var amount: USDC
    public var nonce: UInt64
    public var maxPriorityFeePerGas: BigUInt
    public var maxFeePerGas: BigUInt
    public var gasLimit: UInt64

    public init(
        chainID: UInt64, token: Address, recipient: Address, amount: USDC, nonce: UInt64,
        maxPriorityFeePerGas: BigUInt, maxFeePerGas: BigUInt, gasLimit: UInt64
    ) {
        self.chainID = chainID
        self.token = token
        self.recipient = recipient
        self.amount = amount
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
    }

    /// The unsigned transaction.
    public func transaction() throws(WithdrawalError) -> Transaction {
        guard chainID > 0 else { throw .invalidChainID }
        guard amount.micro > 0 else { throw .nonPositiveAmount }
        guard recipient != .zero else { throw .zeroRecipient }
        guard recipient != token else { throw .recipientIsToken }
        guard maxPriorityFeePerGas <= maxFeePerGas else { throw .priorityFeeAboveMaxFee }
        guard maxFeePerGas.significantBits <= 256 else { throw .feeTooLarge }
        let data: [UInt8]
        do { data = try ERC20.transferCallData(to: recipient, amount: try amount.baseUnits()) } catch {
            throw .nonPositiveAmount
        }
        let tx = Transaction(
            chainID: BigUInt(chainID), nonce: BigUInt(nonce),
            fee: .dynamic(maxPriorityFeePerGas: maxPriorityFeePerGas, maxFeePerGas: maxFeePerGas),
            gasLimit: BigUInt(gasLimit), to: token, value: 0, data: data)
        guard BigUInt(gasLimit) >= tx.intrinsicGas else { throw .gasLimitTooLow(minimum: tx.intrinsicGas) }
        return tx
    }

    /// Builds and signs the transaction with the hot wallet key.
    public func signed(with key: PrivateKey) throws(WithdrawalError) -> SignedTransaction {
        let tx = try transaction()
        do { return try tx.signed(with: key) } catch { throw .signing(error) }
    }
}

/// Why a withdrawal transaction could not be built.
public enum WithdrawalError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidChainID
    case nonPositiveAmount
    case zeroRecipient
    case recipientIsToken
    case priorityFeeAboveMaxFee
    case feeTooLarge
    case gasLimitTooLow(minimum: BigUInt)
    case signing(TransactionError)

    public var description: String {
        switch self {
        case .invalidChainID: "withdrawal chain id must be positive"
        case .nonPositiveAmount: "withdrawal amount must be positive"
        case .zeroRecipient: "withdrawal recipient is the zero address; tokens sent there are burned"
        case .recipientIsToken: "withdrawal recipient is the token contract itself; tokens sent there are lost"
        case .priorityFeeAboveMaxFee: "max priority fee per gas is above max fee per gas"
        case .feeTooLarge: "max fee per gas does not fit in 256 bits"
        case .gasLimitTooLow(let m): "gas limit is below the intrinsic gas (\(m)); an ERC-20 transfer needs about 65000"
        case .signing(let e): "signing the withdrawal failed: \(e)"
        }
    }
}

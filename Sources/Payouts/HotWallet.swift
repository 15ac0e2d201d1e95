import Brokerage
import Ethereum
import Signer

/// The key that pays a chain's withdrawals, decrypted once at start from its keystore.
/// Its printable forms never show the key.
public struct HotWallet: Sendable, CustomStringConvertible {
    public let chainID: Int
    let key: PrivateKey

    public init(chainID: Int, key: PrivateKey) {
        self.chainID = chainID
        self.key = key
    }

    public var address: Address { key.address }
    public var description: String { "HotWallet(chain \(chainID), \(address.checksummed))" }

    /// Signs the USDC `transfer` of `w` with `nonce`, `fees` and `gasLimit`.
    func sign(_ w: Withdrawal, nonce: UInt64, gasLimit: UInt64, fees: WithdrawalSending.Fees, at now: Int64) throws
        -> WithdrawalAttempt
    {
        let signed = try WithdrawalTransaction(
            chainID: UInt64(w.chainID), token: w.token, recipient: w.destination, amount: w.amount, nonce: nonce,
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas, maxFeePerGas: fees.maxFeePerGas, gasLimit: gasLimit
        ).signed(with: key)
        return WithdrawalAttempt(
            hash: try Hash32(bytes: signed.hash), raw: signed.raw, maxFeePerGas: fees.maxFeePerGas,
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas, gasLimit: gasLimit, signedAt: now)
    }
}

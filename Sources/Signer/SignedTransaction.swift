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

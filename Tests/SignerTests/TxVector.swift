import Ethereum
import Signer
import TestSupport
import Testing

/// One transaction as the tx_eip155.json / tx_eip1559.json files spell it.
struct TxVector: Decodable, Sendable, CustomTestStringConvertible {
    struct AccessEntry: Decodable, Sendable {
        let address: String
        let storageKeys: [String]
    }
    let name: String
    let type: String?
    let privateKey: String?
    let chainId: String?
    let nonce: String?
    let gasPrice: String?
    let maxPriorityFeePerGas: String?
    let maxFeePerGas: String?
    let gasLimit: String?
    let to: String?
    let value: String?
    let data: String?
    let accessList: [AccessEntry]?
    let signingPayload: String?
    let signingHash: String?
    let v: String?
    let yParity: String?
    let r: String?
    let s: String?
    let raw: String?
    let txHash: String?
    let sender: String?
    let expectedException: String?
    var testDescription: String { name }

    func big(_ s: String?) throws -> BigUInt { try BigUInt(decimal: s!) }

    /// The unsigned transaction these fields describe.
    func transaction() throws -> Transaction {
        let fee: Transaction.Fee
        if let maxFeePerGas {
            fee = .dynamic(
                maxPriorityFeePerGas: try big(maxPriorityFeePerGas), maxFeePerGas: try BigUInt(decimal: maxFeePerGas))
        } else if type == "1" {
            fee = .accessList(gasPrice: try big(gasPrice))
        } else {
            fee = .legacy(gasPrice: try big(gasPrice))
        }
        return Transaction(
            chainID: try chainId.map { try BigUInt(decimal: $0) }, nonce: try big(nonce), fee: fee,
            gasLimit: try big(gasLimit), to: try to.map { try Address(parsing: $0) }, value: try big(value),
            data: [UInt8](hex: data!),
            accessList: try (accessList ?? []).map {
                .init(address: try Address(parsing: $0.address), storageKeys: $0.storageKeys.map { [UInt8](hex: $0) })
            })
    }
}

struct TxFile: Decodable, Sendable {
    let vectors: [TxVector]
    let preEip155: [TxVector]?
    let encodingOnly: [TxVector]?
    let eip2930Type1: [TxVector]?
    let recoverOnly: [TxVector]
    let invalid: [TxVector]
}

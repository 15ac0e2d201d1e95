import BigInt
import Ethereum

/// An unsigned Ethereum transaction of type 0 (legacy, EIP-155), 1 (EIP-2930) or
/// 2 (EIP-1559).
///
/// We send type 2 on every chain that supports it; legacy and type 1 exist so that any
/// raw transaction can be decoded and audited. The fee fields live in ``Fee`` so a value
/// can never carry the wrong set of fees for its type.
public struct Transaction: Sendable, Hashable {
    /// The fee fields, which also determine the transaction type.
    public enum Fee: Sendable, Hashable {
        /// Type 0. `chainID == nil` means a pre-EIP-155 transaction (replayable on every chain).
        case legacy(gasPrice: BigUInt)
        /// Type 1 (EIP-2930).
        case accessList(gasPrice: BigUInt)
        /// Type 2 (EIP-1559).
        case dynamic(maxPriorityFeePerGas: BigUInt, maxFeePerGas: BigUInt)
    }

    /// An EIP-2930 access list entry.
    public struct AccessListEntry: Sendable, Hashable {
        public var address: Address
        /// 32-byte storage keys.
        public var storageKeys: [[UInt8]]

        public init(address: Address, storageKeys: [[UInt8]]) {
            self.address = address
            self.storageKeys = storageKeys
        }
    }

    public var chainID: BigUInt?
    public var nonce: BigUInt
    public var fee: Fee
    public var gasLimit: BigUInt
    /// `nil` creates a contract.
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    public var accessList: [AccessListEntry]

    public init(
        chainID: BigUInt?, nonce: BigUInt, fee: Fee, gasLimit: BigUInt, to: Address?,
        value: BigUInt, data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.fee = fee
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    /// The EIP-2718 type byte (0 for legacy).
    public var type: UInt8 {
        switch fee {
        case .legacy: 0
        case .accessList: 1
        case .dynamic: 2
        }
    }

    /// The bytes whose keccak256 is signed.
    public func signingPayload() throws(TransactionError) -> [UInt8] {
        try checkEncodable()
        switch fee {
        case .legacy(let gasPrice):
            var items = commonLegacyFields(gasPrice: gasPrice)
            if let chainID {
                items += [RLP.uint(chainID), .bytes([]), .bytes([])]
            }
            return RLP.list(items).encoded()
        case .accessList, .dynamic:
            return [type] + RLP.list(typedFields()).encoded()
        }
    }

    /// keccak256 of ``signingPayload()``.
    public func signingHash() throws(TransactionError) -> [UInt8] {
        Keccak256.hash(try signingPayload())
    }

    /// Signs with RFC 6979 / low-s and returns the encoded transaction.
    public func signed(with key: PrivateKey) throws(TransactionError) -> SignedTransaction {
        let digest = try signingHash()
        let signature: Signature
        do { signature = try key.sign(digest: digest) } catch { throw .signature(error) }
        return SignedTransaction(transaction: self, signature: signature, sender: key.address)
    }

    func checkEncodable() throws(TransactionError) {
        if case .legacy = fee {} else if chainID == nil { throw .missingChainID }
        if let chainID, chainID.isZero { throw .invalidChainID }
        for key in accessList.flatMap(\.storageKeys) where key.count != 32 {
            throw .invalidAccessList
        }
        let quantities: [BigUInt] = [nonce, gasLimit, value] + feeValues + (chainID.map { [$0] } ?? [])
        for q in quantities where q.significantBits > 256 { throw .fieldTooLarge("integer") }
    }

    var feeValues: [BigUInt] {
        switch fee {
        case .legacy(let p), .accessList(let p): [p]
        case .dynamic(let tip, let max): [tip, max]
        }
    }

    func commonLegacyFields(gasPrice: BigUInt) -> [RLP] {
        [.uint(nonce), .uint(gasPrice), .uint(gasLimit), .bytes(to?.bytes ?? []), .uint(value), .bytes(data)]
    }

    func typedFields() -> [RLP] {
        let chain = RLP.uint(chainID ?? 0)
        let tail: [RLP] = [.bytes(to?.bytes ?? []), .uint(value), .bytes(data), accessListRLP]
        switch fee {
        case .legacy(let p), .accessList(let p):
            return [chain, .uint(nonce), .uint(p), .uint(gasLimit)] + tail
        case .dynamic(let tip, let max):
            return [chain, .uint(nonce), .uint(tip), .uint(max), .uint(gasLimit)] + tail
        }
    }

    var accessListRLP: RLP {
        .list(accessList.map { .list([.bytes($0.address.bytes), .list($0.storageKeys.map { .bytes($0) })]) })
    }
}

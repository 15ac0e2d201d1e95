import BigInt
import Ethereum

extension SignedTransaction {
    /// Decodes a raw signed transaction (type 0, 1 or 2), checks its encoding and
    /// signature strictly, recovers the sender, and applies `rules`.
    ///
    /// Re-encoding the result yields exactly `raw`: the decoder accepts only canonical
    /// encodings, so the transaction hash is well defined.
    public static func decode(_ raw: [UInt8], rules: TransactionRules = .structural) throws(TransactionError)
        -> SignedTransaction
    {
        guard let first = raw.first else { throw .empty }
        let decoded: SignedTransaction
        if first >= 0xc0 {
            decoded = try decodeLegacy(try rlpList(raw[...]))
        } else if first == 1 || first == 2 {
            decoded = try decodeTyped(type: first, try rlpList(raw.dropFirst()))
        } else {
            throw .unsupportedType(first)
        }
        try decoded.check(rules)
        return decoded
    }

    static func rlpList(_ bytes: ArraySlice<UInt8>) throws(TransactionError) -> [RLP] {
        do { return try RLP.decode(bytes).asList() } catch { throw .rlp(error) }
    }

    static func uint(_ item: RLP, _ name: String, maxBytes: Int = 32) throws(TransactionError) -> BigUInt {
        do { return try item.asUInt(maxBytes: maxBytes) } catch {
            switch error {
            case .leadingZeroInInteger: throw .leadingZero(name)
            case .integerTooLarge: throw .fieldTooLarge(name)
            default: throw .rlp(error)
            }
        }
    }

    static func bytes(_ item: RLP) throws(TransactionError) -> [UInt8] {
        do { return try item.asBytes() } catch { throw .rlp(error) }
    }

    static func recipient(_ item: RLP) throws(TransactionError) -> Address? {
        let b = try bytes(item)
        if b.isEmpty { return nil }
        do { return try Address(bytes: b) } catch { throw .invalidRecipient }
    }

    static func accessList(_ item: RLP) throws(TransactionError) -> [Transaction.AccessListEntry] {
        guard case .list(let entries) = item else { throw .invalidAccessList }
        var out: [Transaction.AccessListEntry] = []
        for entry in entries {
            guard case .list(let pair) = entry, pair.count == 2,
                case .bytes(let addr) = pair[0], addr.count == 20,
                case .list(let keys) = pair[1]
            else { throw .invalidAccessList }
            var storageKeys: [[UInt8]] = []
            for key in keys {
                guard case .bytes(let k) = key, k.count == 32 else { throw .invalidAccessList }
                storageKeys.append(k)
            }
            out.append(.init(address: try! Address(bytes: addr), storageKeys: storageKeys))
        }
        return out
    }

    static func signature(r: RLP, s: RLP, recoveryID: UInt8) throws(TransactionError) -> Signature {
        let rv = try uint(r, "r")
        let sv = try uint(s, "s")
        do { return try Signature(r: rv, s: sv, recoveryID: recoveryID) } catch { throw .signature(error) }
    }

    static func finish(_ tx: Transaction, _ sig: Signature) throws(TransactionError) -> SignedTransaction {
        let digest = try tx.signingHash()
        let sender: Address
        do { sender = try sig.recoverAddress(digest: digest) } catch { throw .signature(error) }
        return SignedTransaction(transaction: tx, signature: sig, sender: sender)
    }

    static func decodeLegacy(_ f: [RLP]) throws(TransactionError) -> SignedTransaction {
        guard f.count == 9 else { throw .wrongFieldCount(expected: 9, actual: f.count) }
        let v = try uint(f[6], "v")
        let chainID: BigUInt?
        let recoveryID: UInt8
        if v == 27 || v == 28 {
            chainID = nil
            recoveryID = UInt8(v - 27)
        } else if v >= 37 {
            chainID = (v - 35) / 2
            recoveryID = UInt8((v - 35) % 2)
        } else {
            throw .invalidV
        }
        let tx = Transaction(
            chainID: chainID, nonce: try uint(f[0], "nonce"), fee: .legacy(gasPrice: try uint(f[1], "gasPrice")),
            gasLimit: try uint(f[2], "gasLimit"), to: try recipient(f[3]), value: try uint(f[4], "value"),
            data: try bytes(f[5]))
        return try finish(tx, try signature(r: f[7], s: f[8], recoveryID: recoveryID))
    }

    static func decodeTyped(type: UInt8, _ f: [RLP]) throws(TransactionError) -> SignedTransaction {
        let expected = type == 1 ? 11 : 12
        guard f.count == expected else { throw .wrongFieldCount(expected: expected, actual: f.count) }
        let chainID = try uint(f[0], "chainId")
        guard !chainID.isZero else { throw .invalidChainID }
        let nonce = try uint(f[1], "nonce")
        let fee: Transaction.Fee
        var i = 2
        if type == 1 {
            fee = .accessList(gasPrice: try uint(f[2], "gasPrice"))
            i = 3
        } else {
            fee = .dynamic(
                maxPriorityFeePerGas: try uint(f[2], "maxPriorityFeePerGas"),
                maxFeePerGas: try uint(f[3], "maxFeePerGas"))
            i = 4
        }
        let tx = Transaction(
            chainID: chainID, nonce: nonce, fee: fee, gasLimit: try uint(f[i], "gasLimit"),
            to: try recipient(f[i + 1]), value: try uint(f[i + 2], "value"), data: try bytes(f[i + 3]),
            accessList: try accessList(f[i + 4]))
        let parity = try uint(f[i + 5], "yParity")
        guard parity <= 1 else { throw .signature(.invalidRecoveryID) }
        return try finish(tx, try signature(r: f[i + 6], s: f[i + 7], recoveryID: UInt8(parity)))
    }

    func check(_ rules: TransactionRules) throws(TransactionError) {
        let tx = transaction
        if let expected = rules.expectedChainID, tx.chainID != expected {
            throw .wrongChainID(expected: expected, actual: tx.chainID)
        }
        guard rules.consensusLimits else { return }
        guard tx.nonce < (BigUInt(1) << 64) - 1 else { throw .nonceTooLarge }
        guard tx.gasLimit.significantBits <= 64 else { throw .gasLimitTooLarge }
        let maxFee: BigUInt
        switch tx.fee {
        case .legacy(let p), .accessList(let p): maxFee = p
        case .dynamic(let tip, let max):
            guard tip <= max else { throw .priorityFeeAboveMaxFee }
            maxFee = max
        }
        guard (tx.gasLimit * maxFee).significantBits <= 256 else { throw .feeProductOverflow }
        let required = tx.intrinsicGas
        guard tx.gasLimit >= required else { throw .intrinsicGasTooLow(required: required) }
    }
}

extension Transaction {
    /// The gas a transaction costs before executing anything (Shanghai rules): 21000,
    /// 32000 more to create a contract plus 2 per 32-byte word of init code, 4 per zero
    /// and 16 per non-zero data byte, 2400 per access-list address and 1900 per key.
    public var intrinsicGas: BigUInt {
        var gas: UInt64 = 21_000
        if to == nil { gas += 32_000 + 2 * UInt64((data.count + 31) / 32) }
        for b in data { gas += b == 0 ? 4 : 16 }
        for entry in accessList { gas += 2_400 + 1_900 * UInt64(entry.storageKeys.count) }
        return BigUInt(gas)
    }
}

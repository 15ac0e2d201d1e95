import Ethereum
import Signer
import TestSupport
import Testing

@Suite("Transactions (EIP-1559, EIP-2930, EIP-155)")
struct TransactionTests {
    static let eip1559: TxFile = try! Vectors.load("tx_eip1559.json")
    static let eip155: TxFile = try! Vectors.load("tx_eip155.json")

    static let keyed: [TxVector] =
        eip1559.vectors + (eip1559.eip2930Type1 ?? []) + TransactionTests.eip155.vectors + (eip155.preEip155 ?? [])

    @Test(
        "sign reproduces payload, hash and raw bytes; decode gives the fields back", arguments: TransactionTests.keyed)
    func signAndDecode(_ v: TxVector) throws {
        let tx = try v.transaction()
        let key = try PrivateKey(hex: v.privateKey!)
        #expect(try Hex.encode(tx.signingPayload()) == v.signingPayload)
        #expect(try Hex.encode(tx.signingHash()) == v.signingHash)
        let signed = try tx.signed(with: key)
        #expect(Hex.encode(signed.raw) == v.raw)
        #expect(Hex.encode(signed.hash) == v.txHash)
        #expect(Hex.encode(signed.signature.r) == v.r && Hex.encode(signed.signature.s) == v.s)
        #expect(signed.sender.checksummed == v.sender)
        if let vv = v.v { #expect("\(signed.v)" == vv) }
        if let y = v.yParity { #expect("\(signed.signature.recoveryID)" == y) }

        let decoded = try SignedTransaction.decode([UInt8](hex: v.raw!))
        #expect(decoded.transaction == tx)
        #expect(decoded.sender.checksummed == v.sender)
        #expect(decoded.raw == signed.raw)
    }

    @Test("fixed signatures give the published raw bytes", arguments: TransactionTests.eip1559.encodingOnly ?? [])
    func encodingOnly(_ v: TxVector) throws {
        let tx = try v.transaction()
        #expect(try Hex.encode(tx.signingHash()) == v.signingHash)
        let decoded = try SignedTransaction.decode([UInt8](hex: v.raw!))
        #expect(decoded.transaction == tx)
        #expect(Hex.encode(decoded.signature.r) == v.r && Hex.encode(decoded.signature.s) == v.s)
        #expect("\(decoded.signature.recoveryID)" == v.yParity)
    }

    @Test(
        "recover the sender and hash of raw transactions",
        arguments: TransactionTests.eip1559.recoverOnly + TransactionTests.eip155.recoverOnly)
    func recoverOnly(_ v: TxVector) throws {
        let decoded = try SignedTransaction.decode([UInt8](hex: v.raw!))
        #expect(decoded.sender.checksummed == v.sender)
        #expect(Hex.encode(decoded.hash) == v.txHash)
        if let h = v.signingHash { #expect(try Hex.encode(decoded.transaction.signingHash()) == h) }
        #expect(decoded.raw == [UInt8](hex: v.raw!))
    }

    /// ethereum/tests run on chain 1 with a node's limits, so that is the rule set here.
    @Test(
        "refuse every invalid transaction",
        arguments: TransactionTests.eip1559.invalid + TransactionTests.eip155.invalid)
    func invalid(_ v: TxVector) {
        #expect(throws: TransactionError.self, "\(v.expectedException ?? "")") {
            try SignedTransaction.decode([UInt8](hex: v.raw!), rules: .node(chainID: 1))
        }
    }

    /// Structural errors (encoding, signature, impossible v) are refused even without
    /// chain or consensus rules.
    @Test(
        "structural failures are refused without node rules",
        arguments: (TransactionTests.eip1559.invalid + TransactionTests.eip155.invalid).filter {
            let e = $0.expectedException ?? ""
            return e.contains("RLP_") || e.contains("ADDRESS_TOO") || e.contains("INVALID_SIGNATURE_VRS")
                || e.contains("EC_RECOVERY_FAIL") || e.contains("TYPE_NOT_SUPPORTED") || e.contains("ACCESS_LIST")
        })
    func structural(_ v: TxVector) {
        #expect(throws: TransactionError.self, "\(v.expectedException ?? "")") {
            try SignedTransaction.decode([UInt8](hex: v.raw!))
        }
    }

    @Test("high-s twin of a valid signature is refused")
    func highS() throws {
        let v = Self.eip155.vectors[0]
        let signed = try SignedTransaction.decode([UInt8](hex: v.raw!))
        let highS = Signature.curveOrder - signed.signature.sValue
        #expect(throws: SignatureError.highS) { try Signature(r: signed.signature.rValue, s: highS, recoveryID: 0) }
    }

    @Test("chain id rule")
    func chainRule() throws {
        let v = Self.eip1559.vectors[0]
        let raw = [UInt8](hex: v.raw!)
        let chain = try BigUInt(decimal: v.chainId!)
        #expect(throws: TransactionError.wrongChainID(expected: 1, actual: chain)) {
            try SignedTransaction.decode(raw, rules: .init(expectedChainID: 1))
        }
        #expect(try SignedTransaction.decode(raw, rules: .node(chainID: chain)).sender.checksummed == v.sender)
    }
}

import Ethereum
import Signer
import TestSupport
import Testing

@Suite("WithdrawalTransaction builder")
struct WithdrawalTests {
    /// The generated vectors that are ERC-20 `transfer`s to a token contract.
    static let transfers = (try! Vectors.load("tx_eip1559.json", as: TxFile.self)).vectors.filter {
        ($0.data ?? "").hasPrefix("0xa9059cbb") && $0.privateKey != nil && $0.value == "0"
            && ($0.accessList ?? []).isEmpty
    }

    @Test("reproduces the signed USDC transfer vectors", arguments: WithdrawalTests.transfers)
    func reproduces(_ v: TxVector) throws {
        let call = try ERC20.decodeTransferCallData([UInt8](hex: v.data!))
        let w = WithdrawalTransaction(
            chainID: UInt64(v.chainId!)!, token: try Address(parsing: v.to!), recipient: call.to,
            amount: try USDC(baseUnits: call.amount), nonce: UInt64(v.nonce!)!,
            maxPriorityFeePerGas: try BigUInt(decimal: v.maxPriorityFeePerGas!),
            maxFeePerGas: try BigUInt(decimal: v.maxFeePerGas!),
            gasLimit: UInt64(v.gasLimit!)!)
        let signed = try w.signed(with: PrivateKey(hex: v.privateKey!))
        #expect(Hex.encode(signed.raw) == v.raw)
        #expect(Hex.encode(signed.hash) == v.txHash)
    }

    @Test("there are transfer vectors to check against")
    func haveVectors() { #expect(!Self.transfers.isEmpty) }

    static let usdc = try! Address(parsing: "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359")
    static let user = try! Address(parsing: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")

    static func withdrawal(
        recipient: Address = user, amount: Int64 = 1_000_000, tip: BigUInt = 30_000_000_000,
        max: BigUInt = 60_000_000_000, gas: UInt64 = 65_000, chain: UInt64 = 137
    ) -> WithdrawalTransaction {
        WithdrawalTransaction(
            chainID: chain, token: usdc, recipient: recipient, amount: USDC(micro: amount), nonce: 0,
            maxPriorityFeePerGas: tip, maxFeePerGas: max, gasLimit: gas)
    }

    static let mistakes: [(WithdrawalTransaction, WithdrawalError)] = {
        // selector, address, 0x0f4240; 41 zero bytes
        let minimum: BigUInt = 21_000 + 16 * 4 + 16 * 20 + 16 * 3 + 4 * 41
        return [
            (withdrawal(amount: 0), .nonPositiveAmount),
            (withdrawal(amount: -5), .nonPositiveAmount),
            (withdrawal(recipient: .zero), .zeroRecipient),
            (withdrawal(recipient: usdc), .recipientIsToken),
            (withdrawal(tip: 2, max: 1), .priorityFeeAboveMaxFee),
            (withdrawal(gas: 21_000), .gasLimitTooLow(minimum: minimum)),
            (withdrawal(chain: 0), .invalidChainID),
        ]
    }()

    @Test("refuses money-losing mistakes", arguments: WithdrawalTests.mistakes)
    func refuses(_ w: WithdrawalTransaction, _ expected: WithdrawalError) {
        #expect(throws: expected) { try w.transaction() }
    }

    @Test("the signed transfer decodes to what was asked")
    func audit() throws {
        let key = PrivateKey.generate()
        let signed = try Self.withdrawal(amount: 1_000_500_000).signed(with: key)
        let decoded = try SignedTransaction.decode(signed.raw, rules: .node(chainID: 137))
        #expect(decoded.sender == key.address && decoded.transaction.to == Self.usdc)
        let call = try ERC20.decodeTransferCallData(decoded.transaction.data)
        #expect(call.to == Self.user && call.amount == 1_000_500_000)
    }
}

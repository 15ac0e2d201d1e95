import Brokerage
import Ethereum
import Testing

/// The chain-against-ledger rule of `gp4u reconcile`.
@Suite("Reconciliation")
struct ReconciliationTests {
    static func facts(
        onChain: Int64, credited: Int64 = 100_000_000, settled: Int64 = 40_000_000, ledgerNet: Int64? = nil,
        pending: Int64 = 0, inFlight: Int64 = 0
    ) -> Reconciliation.Facts {
        Reconciliation.Facts(
            chainID: 1337, onChain: [("hot wallet", WithdrawalLifecycleTests.hot, USDC(micro: onChain))],
            creditedDeposits: USDC(micro: credited), suspense: USDC(micro: 5_000_000),
            settledWithdrawals: USDC(micro: settled), ledgerNet: USDC(micro: ledgerNet ?? credited - settled),
            pendingDeposits: USDC(micro: pending), inFlightWithdrawals: USDC(micro: inFlight))
    }

    @Test(
        "clean when on chain equals deposits less withdrawals, up to what pending deposits and payouts in flight explain",
        arguments: [
            (60_000_000, 0, 0, true), (60_000_001, 0, 0, false), (59_999_999, 0, 0, false),
            (70_000_000, 10_000_000, 0, true), (70_000_001, 10_000_000, 0, false), (60_000_000, 10_000_000, 0, true),
            (50_000_000, 0, 10_000_000, true), (49_999_999, 0, 10_000_000, false), (60_000_000, 0, 10_000_000, true),
        ])
    func rule(onChain: Int64, pending: Int64, inFlight: Int64, clean: Bool) {
        let r = Reconciliation(Self.facts(onChain: onChain, pending: pending, inFlight: inFlight))
        #expect(r.expected == USDC(micro: 60_000_000))
        #expect(r.difference == USDC(micro: onChain - 60_000_000))
        #expect(r.isClean == clean)
        #expect(r.lines.last?.hasSuffix(clean ? "OK" : "") == true || !clean)
        #expect(r.lines.contains { $0.contains("MISMATCH") } == !clean)
    }

    @Test("a ledger whose hot wallet account disagrees with the deposit and withdrawal rows is a mismatch")
    func ledgerDisagrees() {
        let r = Reconciliation(Self.facts(onChain: 60_000_000, ledgerNet: 59_000_000))
        #expect(!r.isClean && r.problems.count == 1 && r.problems[0].contains("59.00"))
    }
}

import Ethereum

/// Does the chain agree with the ledger? The hot wallet (and the deposit address, when it
/// is another) should hold what credited deposits brought in less what settled
/// withdrawals took out; deposits still short of their confirmations and withdrawals sent
/// but not yet confirmed explain a difference in one direction each, nothing else does.
public struct Reconciliation: Sendable {
    /// What the chain and the ledger say about one chain.
    public struct Facts: Sendable {
        public var chainID: Int
        /// Each of our addresses with its on-chain USDC.
        public var onChain: [(label: String, address: Address, balance: USDC)]
        /// Every credited deposit (to accounts, to suspense, assigned since).
        public var creditedDeposits: USDC
        /// Of those, what still waits in suspense.
        public var suspense: USDC
        public var settledWithdrawals: USDC
        /// What the ledger's hot wallet account says left the chain net (deposits credited
        /// less withdrawals settled): a second, independent sum.
        public var ledgerNet: USDC
        /// Deposits seen on chain but not yet at their confirmation depth.
        public var pendingDeposits: USDC
        /// Withdrawals whose transaction was sent and has not confirmed.
        public var inFlightWithdrawals: USDC

        public init(
            chainID: Int, onChain: [(label: String, address: Address, balance: USDC)], creditedDeposits: USDC,
            suspense: USDC, settledWithdrawals: USDC, ledgerNet: USDC, pendingDeposits: USDC, inFlightWithdrawals: USDC
        ) {
            self.chainID = chainID
            self.onChain = onChain
            self.creditedDeposits = creditedDeposits
            self.suspense = suspense
            self.settledWithdrawals = settledWithdrawals
            self.ledgerNet = ledgerNet
            self.pendingDeposits = pendingDeposits
            self.inFlightWithdrawals = inFlightWithdrawals
        }
    }

    public let facts: Facts
    /// Credited deposits less settled withdrawals.
    public let expected: USDC
    public let onChainTotal: USDC
    /// On chain less expected.
    public let difference: USDC
    /// What does not add up; empty when the chain and the ledger agree.
    public let problems: [String]

    public init(_ facts: Facts) {
        self.facts = facts
        expected = USDC(micro: facts.creditedDeposits.micro - facts.settledWithdrawals.micro)
        onChainTotal = USDC(micro: facts.onChain.reduce(0) { $0 + $1.balance.micro })
        difference = USDC(micro: onChainTotal.micro - expected.micro)
        var problems: [String] = []
        if facts.ledgerNet != expected {
            problems.append(
                "the ledger's hot wallet account says \(facts.ledgerNet) USDC, the deposit and withdrawal rows \(expected) USDC"
            )
        }
        let lowest = -facts.inFlightWithdrawals.micro
        let highest = facts.pendingDeposits.micro
        if difference.micro < lowest || difference.micro > highest {
            problems.append(
                "on chain differs from the ledger by \(difference) USDC, beyond what pending deposits (\(facts.pendingDeposits)) and withdrawals in flight (\(facts.inFlightWithdrawals)) explain"
            )
        }
        self.problems = problems
    }

    public var isClean: Bool { problems.isEmpty }

    /// The table `gp4u reconcile` prints for this chain.
    public var lines: [String] {
        var lines = ["chain \(facts.chainID)"]
        for (label, address, balance) in facts.onChain {
            lines.append("  on chain    \(label) \(address.checksummed): \(balance) USDC")
        }
        lines += [
            "  ledger      deposits credited \(facts.creditedDeposits) USDC (in suspense \(facts.suspense))"
                + "  withdrawals settled \(facts.settledWithdrawals) USDC  expected \(expected) USDC",
            "  in flight   pending deposits \(facts.pendingDeposits) USDC  withdrawals sent, not confirmed \(facts.inFlightWithdrawals) USDC",
            "  difference  \(difference) USDC  " + (isClean ? "OK" : "MISMATCH"),
        ]
        lines += problems.map { "  MISMATCH    \($0)" }
        return lines
    }
}

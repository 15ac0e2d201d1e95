import Ethereum

/// One movement of money: entries that sum to zero, posted atomically.
///
/// The initializer refuses an unbalanced or empty movement, so a value of this type is
/// always postable; the database checks the same invariant again as a backstop.
public struct LedgerTransaction: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case deposit
        case simulatedDeposit = "simulated_deposit"
        /// A confirmed withdrawal: the held amount leaves for the chain's hot wallet.
        case withdrawal
        /// A withdrawal request's amount moved from its source balance to held.
        case withdrawalHold = "withdrawal_hold"
        /// A rejected, cancelled or failed withdrawal's hold given back, once.
        case withdrawalRelease = "withdrawal_release"
        /// A withdrawal settled in simulated mode, against the simulator.
        case simulatedWithdrawal = "simulated_withdrawal"
        case reservationHold = "reservation_hold"
        case reservationCapture = "reservation_capture"
        case reservationRelease = "reservation_release"
        case reservationRefund = "reservation_refund"
        /// A captured booking given back because its machine could not be rented or died.
        case machineRefund = "machine_refund"
        /// A cluster's whole cost moved from available to held when it is created.
        case clusterHold = "cluster_hold"
        /// The part of a cluster's hold paid out: platform fee to revenue, the rest to members.
        case clusterCharge = "cluster_charge"
        /// The part of a failed cluster's hold given back to the renter.
        case clusterRefund = "cluster_refund"
        case providerEarning = "provider_earning"
        case platformFee = "platform_fee"
    }

    public struct Entry: Sendable, Hashable {
        public let account: LedgerAccount
        /// Positive adds to the account, negative takes from it.
        public let amount: USDC

        public init(_ account: LedgerAccount, _ amount: USDC) {
            self.account = account
            self.amount = amount
        }
    }

    public let id: String
    public let kind: Kind
    public let entries: [Entry]
    /// What the movement is about: `reservation`, `cluster`, `chain_tx`, ...
    public let references: [String: String]
    /// Seconds since 1970 (UTC).
    public let createdAt: Int64

    public init(
        id: String, kind: Kind, entries: [Entry], references: [String: String] = [:], createdAt: Int64
    ) throws(LedgerError) {
        guard entries.count >= 2 else { throw .unbalanced("a movement needs at least two entries") }
        guard entries.allSatisfy({ $0.amount != .zero }) else { throw .unbalanced("an entry of zero moves nothing") }
        var sum: Int64 = 0
        for e in entries {
            let (s, o) = sum.addingReportingOverflow(e.amount.micro)
            if o { throw .unbalanced("entries overflow") }
            sum = s
        }
        guard sum == 0 else { throw .unbalanced("entries sum to \(USDC(micro: sum)), not zero") }
        self.id = id
        self.kind = kind
        self.entries = entries
        self.references = references
        self.createdAt = createdAt
    }

    /// A two-legged movement of `amount` from one account to another.
    public static func transfer(
        id: String, kind: Kind, amount: USDC, from: LedgerAccount, to: LedgerAccount,
        references: [String: String] = [:], createdAt: Int64
    ) throws(LedgerError) -> LedgerTransaction {
        guard amount > .zero else { throw .invalidAmount("amount must be positive") }
        return try LedgerTransaction(
            id: id, kind: kind, entries: [Entry(from, -amount), Entry(to, amount)],
            references: references, createdAt: createdAt)
    }
}

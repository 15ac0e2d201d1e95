import Ethereum

/// What an operator should weigh before approving a withdrawal, as plain notes: the
/// patterns of account takeover and laundering that payout desks look for. Advice only;
/// nothing here refuses anything.
public enum WithdrawalRisk {
    /// The account's history as the store has it.
    public struct Facts: Sendable {
        public var accountCreatedAt: Int64
        /// Every withdrawal of the account, this one included.
        public var withdrawals: [Withdrawal]
        public var linkedAddresses: [LinkedAddress]
        /// What the account's on-chain deposits brought in (credited or assigned).
        public var deposited: USDC

        public init(
            accountCreatedAt: Int64, withdrawals: [Withdrawal], linkedAddresses: [LinkedAddress], deposited: USDC
        ) {
            self.accountCreatedAt = accountCreatedAt
            self.withdrawals = withdrawals
            self.linkedAddresses = linkedAddresses
            self.deposited = deposited
        }
    }

    static let day: Int64 = 24 * 3600

    /// The notes for `w`, most serious first; empty when nothing stands out.
    public static func notes(for w: Withdrawal, facts: Facts) -> [String] {
        var notes: [String] = []
        let earlier = facts.withdrawals.filter { $0.id != w.id && $0.createdAt <= w.createdAt }
        if let link = facts.linkedAddresses.filter({ $0.linkedAt <= w.createdAt }).max(by: { $0.linkedAt < $1.linkedAt }
        ),
            w.createdAt - link.linkedAt < day
        {
            let hours = (w.createdAt - link.linkedAt) / 3600
            notes.append("requested \(hours) h after linking wallet \(link.address.checksummed)")
        }
        if w.createdAt - facts.accountCreatedAt < day {
            notes.append("the account is less than a day old")
        }
        if !earlier.contains(where: { $0.status == .confirmed && $0.destination == w.destination }) {
            notes.append("destination \(w.destination.checksummed) was never paid before")
        }
        if !facts.linkedAddresses.contains(where: { $0.address == w.destination }) {
            notes.append("destination is not one of the account's linked wallets")
        }
        if earlier.isEmpty { notes.append("first withdrawal of this account") }
        if w.source == .available && w.amount > facts.deposited {
            notes.append("amount is more than the account ever deposited on chain (\(facts.deposited) USDC)")
        }
        return notes
    }
}

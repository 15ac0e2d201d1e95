import Brokerage
import Ethereum
import Testing

/// The notes `gp4u withdrawals show` gives operators.
@Suite("Withdrawal risk notes")
struct WithdrawalRiskTests {
    @Test("a fresh account, a fresh link, a new destination and more than it deposited are all noted; a regular is not")
    func notes() throws {
        let w = try WithdrawalLifecycleTests.requested()
        let t = w.createdAt
        let link = LinkedAddress(
            address: WithdrawalLifecycleTests.recipient, userID: "u", chainID: 1337, linkedAt: t - 3 * 3600)
        let fresh = WithdrawalRisk.notes(
            for: w,
            facts: .init(
                accountCreatedAt: t - 3600, withdrawals: [w], linkedAddresses: [link], deposited: USDC(micro: 1)))
        #expect(fresh.count == 5)
        #expect(fresh[0] == "requested 3 h after linking wallet \(WithdrawalLifecycleTests.recipient.checksummed)")
        #expect(
            fresh.contains("the account is less than a day old") && fresh.contains("first withdrawal of this account"))
        #expect(fresh.contains { $0.contains("never paid before") } && fresh.contains { $0.contains("ever deposited") })

        var earlier = w
        earlier.id = "w0"
        earlier.status = .confirmed
        earlier.createdAt = t - 40 * 86_400
        let oldLink = LinkedAddress(address: w.destination, userID: "u", chainID: 1337, linkedAt: t - 50 * 86_400)
        let regular = WithdrawalRisk.notes(
            for: w,
            facts: .init(
                accountCreatedAt: t - 60 * 86_400, withdrawals: [earlier, w], linkedAddresses: [oldLink],
                deposited: USDC(micro: 500_000_000)))
        #expect(regular.isEmpty)
    }
}

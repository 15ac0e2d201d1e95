import Brokerage
import Ethereum
import Testing

@Suite("Wallet totals")
struct WalletTotalTests {
    static func contributions(
        _ kind: LedgerTransaction.Kind, _ amount: String, _ from: LedgerAccount,
        _ to: LedgerAccount
    ) throws -> [String: Int64] {
        let t = try LedgerTransaction.transfer(
            id: "t", kind: kind, amount: try USDC(parsing: amount), from: from, to: to, createdAt: 0)
        return Dictionary(
            uniqueKeysWithValues: WalletTotal.contributions(of: t).map {
                ("\($0.key.account.key) \($0.key.total)", $0.value)
            })
    }

    @Test("each movement counts once, on the account and total it belongs to")
    func contributions() throws {
        let (available, held) = (LedgerAccount.available(user: "u"), LedgerAccount.held(user: "u"))
        #expect(
            try Self.contributions(.deposit, "5", .hotWallet(chain: 1), available) == [
                "available:u deposited": micro("5")
            ])
        #expect(
            try Self.contributions(.simulatedDeposit, "2", .simulator, available) == [
                "available:u deposited": micro("2")
            ])
        #expect(try Self.contributions(.withdrawalHold, "3", available, held).isEmpty, "a hold is not yet a withdrawal")
        #expect(
            try Self.contributions(.withdrawal, "3", held, .hotWallet(chain: 1)) == ["held:u withdrawn": micro("3")])
        #expect(try Self.contributions(.withdrawalRelease, "3", held, available).isEmpty)
        #expect(
            try Self.contributions(.reservationCapture, "7", held, .earnings(user: "p"))
                == ["held:u spent": micro("7"), "earnings:p earned": micro("7")])
        #expect(try Self.contributions(.clusterCharge, "1", held, .revenue) == ["held:u spent": micro("1")])
        #expect(try Self.contributions(.reservationRelease, "7", held, available).isEmpty)
        #expect(
            try Self.contributions(.machineRefund, "7", .earnings(user: "p"), available).isEmpty,
            "a payout taken back is not earned")
    }
}

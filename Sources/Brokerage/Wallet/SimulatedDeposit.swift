import Ethereum

/// A deposit with no chain behind it, where simulation is on: money created by the
/// simulator account, marked simulated in the ledger and in every response.
public enum SimulatedDeposit {
    /// The most one call may credit.
    public static let maximum = USDC(micro: 1_000_000 * USDC.scale)

    /// Why a simulated deposit was refused.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case notPositive
        case aboveMaximum

        public var description: String {
            switch self {
            case .notPositive: "amount must be positive"
            case .aboveMaximum: "a simulated deposit is at most \(SimulatedDeposit.maximum)"
            }
        }
    }

    /// `amount` from the simulator to `userID`'s available balance, as movement `id`.
    public static func credit(_ amount: USDC, to userID: String, id: String, at now: Int64) throws -> LedgerTransaction
    {
        guard amount > .zero else { throw Refusal.notPositive }
        guard amount <= maximum else { throw Refusal.aboveMaximum }
        return try .transfer(
            id: id, kind: .simulatedDeposit, amount: amount, from: .simulator, to: .available(user: userID),
            references: ["simulated": "true"], createdAt: now)
    }
}

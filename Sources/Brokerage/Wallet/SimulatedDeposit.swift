import Ethereum

/// A deposit with no chain behind it, where simulation is on: money created by the
/// simulator account, marked simulated in the ledger and in every response.
public enum SimulatedDeposit {
    /// The most one call may credit.
    public static let maximum = USDC(micro: 1_000_000 * USDC.scale)
    /// The most one call may credit on a server that also watches real chains (a staging
    /// set-up, `GP4U_SIMULATION_WITH_CHAINS=yes`), where made-up money sits in the same
    /// balances as real USDC.
    public static let maximumAlongsideChains = USDC(micro: 1_000 * USDC.scale)

    /// Why a simulated deposit was refused.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case notPositive
        case aboveMaximum(USDC)

        public var description: String {
            switch self {
            case .notPositive: "amount must be positive"
            case .aboveMaximum(let limit): "a simulated deposit is at most \(limit) here"
            }
        }
    }

    /// `amount` from the simulator to `userID`'s available balance, as movement `id`;
    /// `alongsideChains` when real chains are watched too: capped lower and flagged so in
    /// the ledger.
    public static func credit(
        _ amount: USDC, to userID: String, id: String, alongsideChains: Bool = false, at now: Int64
    ) throws -> LedgerTransaction {
        let limit = alongsideChains ? maximumAlongsideChains : maximum
        guard amount > .zero else { throw Refusal.notPositive }
        guard amount <= limit else { throw Refusal.aboveMaximum(limit) }
        var references = ["simulated": "true"]
        if alongsideChains { references["alongside_chains"] = "true" }
        return try .transfer(
            id: id, kind: .simulatedDeposit, amount: amount, from: .simulator, to: .available(user: userID),
            references: references, createdAt: now)
    }
}

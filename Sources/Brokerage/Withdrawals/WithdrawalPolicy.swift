import Ethereum

/// The limits a withdrawal request must meet, and how many operators must approve it.
/// Configured by `GP4U_WITHDRAWAL_MIN`, `_MAX`, `_DAILY_LIMIT` and `GP4U_WITHDRAWAL_APPROVALS`.
public struct WithdrawalPolicy: Sendable, Hashable {
    public var minimum: USDC
    public var maximum: USDC
    /// The most one user may request in any 24 hours (requests not rejected, cancelled
    /// or failed count).
    public var dailyLimit: USDC
    /// Distinct operators needed; 2 is the two-person rule.
    public var approvalsRequired: Int

    public static let window: Int64 = 24 * 3600

    public init(
        minimum: USDC = USDC(micro: 1_000_000), maximum: USDC = USDC(micro: 10_000_000_000),
        dailyLimit: USDC = USDC(micro: 25_000_000_000), approvalsRequired: Int = 1
    ) {
        self.minimum = minimum
        self.maximum = maximum
        self.dailyLimit = dailyLimit
        self.approvalsRequired = max(1, approvalsRequired)
    }
}

/// Where a chain's withdrawals are paid from, as the request check needs it.
public struct WithdrawalChain: Sendable, Hashable {
    public var chainID: Int
    /// The USDC contract on this chain.
    public var token: Address
    /// Addresses of ours a withdrawal must never pay: the hot wallet that signs and the
    /// deposit address (the same address when one wallet does both).
    public var ownAddresses: Set<Address>
    /// No chain is watched: the withdrawal settles against the simulator.
    public var simulated: Bool

    public init(chainID: Int, token: Address, ownAddresses: Set<Address>, simulated: Bool) {
        self.chainID = chainID
        self.token = token
        self.ownAddresses = ownAddresses
        self.simulated = simulated
    }
}

import Ethereum

/// An on-chain deposit as users and operators see it: waiting for confirmations, credited
/// to an account, or parked in suspense because no linked address sent it.
public struct DepositRecord: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        case pending
        case credited
        /// Credited to the chain's suspense account, waiting for `gp4u deposits assign`.
        case suspense
        /// Moved from suspense to an account by an operator.
        case assigned
    }

    public var key: DepositKey
    public var status: Status
    public var from: Address
    public var amount: USDC
    public var block: BlockRef
    /// For pending deposits, as of the last poll; credited ones have at least `required`.
    public var confirmations: Int?
    public var required: Int?
    public var userID: String?
    /// Seconds since 1970 when credited, or when last seen pending.
    public var at: Int64

    public init(
        key: DepositKey, status: Status, from: Address, amount: USDC, block: BlockRef, confirmations: Int?,
        required: Int?,
        userID: String?, at: Int64
    ) {
        self.key = key
        self.status = status
        self.from = from
        self.amount = amount
        self.block = block
        self.confirmations = confirmations
        self.required = required
        self.userID = userID
        self.at = at
    }
}

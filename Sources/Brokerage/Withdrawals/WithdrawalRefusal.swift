import Ethereum

/// Why a withdrawal operation was refused. Nothing was written when one is thrown.
public enum WithdrawalRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field of the request is wrong; `field` names it.
    case invalid(field: String, reason: String)
    /// Withdrawals are not possible on this chain here.
    case chainUnavailable(Int)
    /// The request would take the user's last 24 hours past the daily limit.
    case dailyLimit(limit: USDC, remaining: USDC)
    case notFound
    /// The withdrawal's state does not allow this.
    case notAllowed(String)
    /// This operator already approved it (the two-person rule needs another one).
    case alreadyApproved
    /// Operators may not approve or reject their own withdrawals.
    case ownWithdrawal

    public var description: String {
        switch self {
        case .invalid(_, let reason): reason
        case .chainUnavailable(let id):
            "withdrawals are not available on chain \(id) here; see /api/v1/wallets/deposit-info for supported chains"
        case .dailyLimit(let limit, let remaining):
            "this would exceed the daily withdrawal limit of \(limit) USDC; \(remaining) USDC remain for the last 24 hours"
        case .notFound: "withdrawal not found"
        case .notAllowed(let why): why
        case .alreadyApproved: "this operator already approved this withdrawal; another operator must approve it"
        case .ownWithdrawal: "an operator cannot approve or reject their own withdrawal"
        }
    }
}

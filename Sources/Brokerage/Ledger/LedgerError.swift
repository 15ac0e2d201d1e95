/// Why a ledger movement was refused. Nothing was written when one of these is thrown.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unbalanced(String)
    case invalidAmount(String)
    /// The account would go below zero; the caller should top up or spend less.
    case insufficientFunds(account: String)
    /// The same transaction id was posted before (an idempotent retry is not an error
    /// for callers that check for it).
    case duplicate(id: String)

    public var description: String {
        switch self {
        case .unbalanced(let why): "ledger movement is unbalanced: \(why)"
        case .invalidAmount(let why): why
        case .insufficientFunds: "insufficient funds; deposit more or reduce the amount"
        case .duplicate(let id): "ledger transaction \(id) was already posted"
        }
    }
}

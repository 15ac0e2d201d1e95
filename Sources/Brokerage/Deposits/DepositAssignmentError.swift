/// Why an operator's assignment was refused.
public enum DepositAssignmentError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(DepositKey)
    case notInSuspense(DepositKey, DepositRecord.Status)
    case unknownUser(String)

    public var description: String {
        switch self {
        case .notFound(let k): "no deposit \(k); check the chain id, transaction hash and log index"
        case .notInSuspense(let k, let s):
            "deposit \(k) is \(s.rawValue), not in suspense; only suspense deposits can be assigned"
        case .unknownUser(let u): "no user \(u); give the account's id or email"
        }
    }
}

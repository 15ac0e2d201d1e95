/// A ledger account: who owns the money and in what state it is.
///
/// Sign convention: an account's balance is the sum of its entries, and a positive
/// balance is money the platform holds for the account's owner. Money that enters from
/// outside (a chain, or the simulator) is posted against an `external` account, the only
/// kind allowed below zero: minus its balance is the net inflow from that source.
public struct LedgerAccount: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A user's spendable balance.
        case available
        /// A user's funds reserved for a booking, cluster or withdrawal.
        case held
        /// A provider's earnings from completed work.
        case earnings
        /// Platform fees.
        case revenue
        /// Deposits that no linked address claims, waiting for an operator.
        case suspense
        /// The outside world: a chain's hot wallet or the simulator.
        case external
    }

    public let kind: Kind
    /// The owning user's id, the chain id, or a platform name.
    public let owner: String

    public init(kind: Kind, owner: String) {
        self.kind = kind
        self.owner = owner
    }

    public static func available(user: String) -> Self { .init(kind: .available, owner: user) }
    public static func held(user: String) -> Self { .init(kind: .held, owner: user) }
    public static func earnings(user: String) -> Self { .init(kind: .earnings, owner: user) }
    public static let revenue = Self(kind: .revenue, owner: "platform")
    public static func suspense(chain: Int) -> Self { .init(kind: .suspense, owner: "chain:\(chain)") }
    public static func hotWallet(chain: Int) -> Self { .init(kind: .external, owner: "chain:\(chain)") }
    public static let simulator = Self(kind: .external, owner: "simulator")

    /// Only the outside world may go negative; the database enforces the same rule.
    public var mayGoNegative: Bool { kind == .external }

    /// Stable key used as the database primary key, e.g. `available:7f3c...`.
    public var key: String { "\(kind.rawValue):\(owner)" }

    public var description: String { key }

    public init?(key: String) {
        guard let colon = key.firstIndex(of: ":"),
            let kind = Kind(rawValue: String(key[..<colon]))
        else { return nil }
        self.init(kind: kind, owner: String(key[key.index(after: colon)...]))
    }
}

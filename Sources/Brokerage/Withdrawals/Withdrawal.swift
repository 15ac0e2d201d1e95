import Ethereum

/// A user's request to send USDC out to an address on a chain, and everything that
/// happened to it since: approvals, the transactions signed for it, the one that mined.
///
/// `requested → approved | rejected | cancelled`, `approved → signed → broadcast →
/// confirmed | failed`; an approval voided by a changed binding goes back to `requested`.
/// The amount is held from the source balance at the request and leaves the ledger only
/// when a transaction confirms (or is released once, on rejection, cancellation or
/// failure). Decided by ``WithdrawalLifecycle`` and ``WithdrawalSending``.
public struct Withdrawal: Sendable, Hashable, Identifiable {
    public enum Status: String, Sendable, Hashable, CaseIterable, Codable {
        /// Funds held; waiting for operators.
        case requested
        /// Enough operators approved; waiting for the sender.
        case approved
        case rejected
        /// By its owner while still `requested`.
        case cancelled
        /// A transaction is signed and stored (nonce reserved); not yet known to be sent.
        case signed
        /// The node accepted a transaction; waiting for it to mine and confirm.
        case broadcast
        /// A transaction for it mined and reached the chain's confirmation depth.
        case confirmed
        /// Its transaction reverted or can never mine; the hold was released.
        case failed

        /// No further change can happen.
        public var isFinal: Bool { [.rejected, .cancelled, .confirmed, .failed].contains(self) }
        /// A transaction may be on its way: the hold must stay.
        public var isInFlight: Bool { self == .signed || self == .broadcast }
    }

    /// The balance the amount comes from.
    public enum Source: String, Sendable, Hashable, CaseIterable, Codable {
        /// What a renter deposited and did not spend.
        case available
        /// What a provider earned.
        case earnings

        /// The account the hold comes from and a release goes back to.
        public func account(user: String) -> LedgerAccount {
            switch self {
            case .available: .available(user: user)
            case .earnings: .earnings(user: user)
            }
        }
    }

    /// One operator's approval, bound to what was approved.
    public struct Approval: Sendable, Hashable {
        public var operatorID: String
        public var at: Int64
        /// ``Withdrawal/binding`` when approved; an approval whose binding no longer
        /// matches the withdrawal approves nothing.
        public var binding: String

        public init(operatorID: String, at: Int64, binding: String) {
            self.operatorID = operatorID
            self.at = at
            self.binding = binding
        }
    }

    public var id: String
    public var userID: String
    public var source: Source
    public var amount: USDC
    public var chainID: Int
    /// The USDC contract it is paid in.
    public var token: Address
    public var destination: Address
    public var status: Status
    /// No chain behind it (simulated mode): it settles against the simulator.
    public var simulated: Bool
    public var approvals: [Approval]
    /// Why an operator rejected it, or why it failed.
    public var reason: String?
    /// Who rejected it.
    public var rejectedBy: String?
    /// What keeps an approved or in-flight withdrawal waiting, for operators (hot wallet
    /// short of funds, fee cap reached, a node refusal); nil when nothing does.
    public var flag: String?
    /// The hot wallet that signs for it, and the nonce it holds there once signed.
    public var hotWallet: Address?
    public var nonce: UInt64?
    /// Every transaction signed for it, oldest first; later ones replace earlier ones
    /// (same nonce, higher fees).
    public var attempts: [WithdrawalAttempt]
    /// The transaction that mined, its block, and what its gas cost the hot wallet (wei).
    public var minedHash: Hash32?
    public var minedBlock: UInt64?
    public var networkFee: BigUInt?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var approvedAt: Int64?
    public var finishedAt: Int64?

    public init(
        id: String, userID: String, source: Source, amount: USDC, chainID: Int, token: Address, destination: Address,
        status: Status = .requested, simulated: Bool, approvals: [Approval] = [], reason: String? = nil,
        rejectedBy: String? = nil, flag: String? = nil, hotWallet: Address? = nil, nonce: UInt64? = nil,
        attempts: [WithdrawalAttempt] = [], minedHash: Hash32? = nil, minedBlock: UInt64? = nil,
        networkFee: BigUInt? = nil, createdAt: Int64, updatedAt: Int64? = nil, approvedAt: Int64? = nil,
        finishedAt: Int64? = nil
    ) {
        self.id = id
        self.userID = userID
        self.source = source
        self.amount = amount
        self.chainID = chainID
        self.token = token
        self.destination = destination
        self.status = status
        self.simulated = simulated
        self.approvals = approvals
        self.reason = reason
        self.rejectedBy = rejectedBy
        self.flag = flag
        self.hotWallet = hotWallet
        self.nonce = nonce
        self.attempts = attempts
        self.minedHash = minedHash
        self.minedBlock = minedBlock
        self.networkFee = networkFee
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.approvedAt = approvedAt
        self.finishedAt = finishedAt
    }

    /// What an approval approves: the exact user, amount, chain, token and destination.
    /// Any change to one of them after an approval voids it.
    public var binding: String {
        let text =
            "withdrawal v1|\(id)|\(userID)|\(source.rawValue)|\(amount.micro)|\(chainID)|\(token.lowercased)|"
            + destination.lowercased
        return Hex.encode(Keccak256.hash(utf8: text))
    }

    /// The operators whose approvals still match this withdrawal.
    public var validApprovers: Set<String> {
        Set(approvals.filter { $0.binding == binding }.map(\.operatorID))
    }

    /// The newest transaction signed for it.
    public var latestAttempt: WithdrawalAttempt? { attempts.last }

    /// Confirmations of the mined transaction at `head`, counting its block as 1.
    public func confirmations(atHead head: UInt64) -> Int? {
        minedBlock.map { head < $0 ? 0 : Int(clamping: head - $0 + 1) }
    }
}

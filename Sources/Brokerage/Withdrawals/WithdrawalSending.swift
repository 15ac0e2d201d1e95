import Ethereum

/// How an approved withdrawal gets paid, as a pure state machine: given the withdrawal as
/// stored and what the chain says now, the next step. The sender service gathers the
/// facts, performs the step (estimate, sign, broadcast, record) and asks again; it
/// decides nothing itself.
///
/// The rules it encodes:
/// - nothing is signed without enough approvals that still match the withdrawal;
/// - nothing is signed the hot wallet cannot pay (USDC, and gas at the fee cap);
/// - a stored transaction is re-broadcast, never re-signed with a new nonce;
/// - a transaction not mined after `replaceAfter` is replaced (same nonce, both fee fields
///   at least 12.5% higher, never above the cap; at the cap it waits, flagged);
/// - a mined transaction counts only at the chain's confirmation depth: success
///   settles, a revert releases the hold;
/// - without a receipt it waits; a nonce consumed by a transaction that is none of ours is
///   flagged for an operator, never failed on the machine's own: a node that lags or
///   fails to answer must not turn a paid withdrawal into a released one.
public enum WithdrawalSending {
    /// The chain's sending settings.
    public struct Policy: Sendable, Hashable {
        /// Blocks a transaction needs, counting its own (the chain's deposit depth).
        public var confirmations: Int
        /// Seconds after the last broadcast before a transaction is replaced.
        public var replaceAfter: Int64
        /// The highest max fee per gas ever signed (`GP4U_CHAIN_<ID>_MAX_FEE_GWEI`), in wei.
        public var maxFeeCap: BigUInt
        /// The chain's smallest accepted priority fee (25 gwei on Polygon), in wei.
        public var minimumTip: BigUInt
        /// Distinct operators an approval needs (`GP4U_WITHDRAWAL_APPROVALS`).
        public var approvalsRequired: Int

        public init(
            confirmations: Int, replaceAfter: Int64, maxFeeCap: BigUInt, minimumTip: BigUInt, approvalsRequired: Int
        ) {
            self.confirmations = max(1, confirmations)
            self.replaceAfter = replaceAfter
            self.maxFeeCap = maxFeeCap
            self.minimumTip = minimumTip
            self.approvalsRequired = max(1, approvalsRequired)
        }
    }

    /// A mined transaction, as its receipt says.
    public struct Receipt: Sendable, Hashable {
        public var hash: Hash32
        public var blockNumber: UInt64
        public var succeeded: Bool
        public var gasUsed: UInt64
        public var effectiveGasPrice: BigUInt?

        public init(hash: Hash32, blockNumber: UInt64, succeeded: Bool, gasUsed: UInt64, effectiveGasPrice: BigUInt?) {
            self.hash = hash
            self.blockNumber = blockNumber
            self.succeeded = succeeded
            self.gasUsed = gasUsed
            self.effectiveGasPrice = effectiveGasPrice
        }

        /// What the gas cost the hot wallet, in wei (nil when the node did not say).
        public var fee: BigUInt? { effectiveGasPrice.map { $0 * BigUInt(gasUsed) } }
    }

    /// Fees for one transaction, in wei.
    public struct Fees: Sendable, Hashable {
        public var maxFeePerGas: BigUInt
        public var maxPriorityFeePerGas: BigUInt

        public init(maxFeePerGas: BigUInt, maxPriorityFeePerGas: BigUInt) {
            self.maxFeePerGas = maxFeePerGas
            self.maxPriorityFeePerGas = maxPriorityFeePerGas
        }
    }

    /// What the sender knows about the chain now; nil fields were not learned this tick
    /// (a node was down), and the machine waits rather than guess.
    public struct Facts: Sendable, Hashable {
        public var now: Int64
        public var head: UInt64?
        /// Receipts of the withdrawal's transactions that have mined; absent ones have not.
        public var receipts: [Hash32: Receipt]
        /// Whether every one of its transactions was asked about and answered (mined or
        /// not): an unanswered question is no evidence that a transaction did not mine.
        public var receiptsComplete: Bool
        /// The hot wallet's USDC less what withdrawals already in flight will take.
        public var spendableUSDC: USDC?
        /// The hot wallet's native balance, for gas.
        public var nativeBalance: BigUInt?
        /// How many of the hot wallet's transactions are mined at the confirmation depth.
        public var confirmedNonceCount: UInt64?
        /// Fees a new transaction would get now (base fee and tip from the node, the
        /// chain's minimum tip applied).
        public var suggestedFees: Fees?

        public init(
            now: Int64, head: UInt64? = nil, receipts: [Hash32: Receipt] = [:], receiptsComplete: Bool = true,
            spendableUSDC: USDC? = nil,
            nativeBalance: BigUInt? = nil, confirmedNonceCount: UInt64? = nil, suggestedFees: Fees? = nil
        ) {
            self.now = now
            self.head = head
            self.receipts = receipts
            self.receiptsComplete = receiptsComplete
            self.spendableUSDC = spendableUSDC
            self.nativeBalance = nativeBalance
            self.confirmedNonceCount = confirmedNonceCount
            self.suggestedFees = suggestedFees
        }
    }

    public enum Step: Sendable, Hashable {
        /// Nothing to do this tick.
        case wait
        /// Keep waiting, and tell operators why (`/ready`, `chain status`, the log).
        case flag(String)
        /// Back to `requested`: approvals no longer match, or fewer than the policy asks.
        case voidApprovals
        /// Estimate gas for the transfer, then ask ``sign(_:gasEstimate:facts:policy:)``.
        case estimate
        /// Reserve the next nonce, sign with these fees and store, in one transaction.
        case sign(gasLimit: UInt64, fees: Fees)
        /// Send this stored transaction (again).
        case broadcast(WithdrawalAttempt)
        /// Sign and store a replacement for `attempt` (same nonce) with `fees`.
        case replace(WithdrawalAttempt, fees: Fees)
        case confirm(Receipt)
        case fail(String, Receipt?)
    }

    /// The next step for `w`.
    public static func next(_ w: Withdrawal, facts: Facts, policy: Policy) -> Step {
        switch w.status {
        case .approved:
            guard w.validApprovers.count >= policy.approvalsRequired else { return .voidApprovals }
            guard let spendable = facts.spendableUSDC else { return .wait }
            guard spendable >= w.amount else {
                return .flag(
                    "the hot wallet can spend \(spendable) USDC, less than this withdrawal's \(w.amount) USDC; fund it")
            }
            return .estimate
        case .signed, .broadcast:
            return inFlight(w, facts: facts, policy: policy)
        case .requested, .rejected, .cancelled, .confirmed, .failed:
            return .wait
        }
    }

    /// After the gas estimate: sign with a margin over it, at the node's fees, if the hot
    /// wallet can pay the gas at those fees.
    public static func sign(_ w: Withdrawal, gasEstimate: UInt64, facts: Facts, policy: Policy) -> Step {
        guard let suggested = facts.suggestedFees, let native = facts.nativeBalance else { return .wait }
        guard suggested.maxFeePerGas <= policy.maxFeeCap else {
            return .flag(
                "fees now (\(gwei(suggested.maxFeePerGas)) gwei) are above the cap of \(gwei(policy.maxFeeCap)) gwei; waiting"
            )
        }
        let gasLimit = gasEstimate + gasEstimate / 5
        let worstCase = BigUInt(gasLimit) * suggested.maxFeePerGas
        guard native >= worstCase else {
            return .flag(
                "the hot wallet has \(native) wei for gas, less than the \(worstCase) wei this may cost; fund it")
        }
        return .sign(gasLimit: gasLimit, fees: suggested)
    }

    /// Fees for a new transaction from the node's next base fee and suggested tip: the tip
    /// raised to the chain's minimum, the max fee twice the base fee plus the tip (room
    /// for six full blocks of base-fee rises).
    public static func fees(baseFee: BigUInt, suggestedTip: BigUInt, policy: Policy) -> Fees {
        let tip = max(suggestedTip, policy.minimumTip)
        return Fees(maxFeePerGas: baseFee * 2 + tip, maxPriorityFeePerGas: tip)
    }

    /// Fees for replacing `attempt`: both fields at least 12.5% higher (nodes want 10%),
    /// or the current suggestion when that is higher; nil when the cap leaves no room.
    public static func bumped(_ attempt: WithdrawalAttempt, suggested: Fees?, policy: Policy) -> Fees? {
        func raised(_ v: BigUInt) -> BigUInt { (v * 9 + 7) / 8 }  // ceil(v × 1.125)
        let tip = max(raised(attempt.maxPriorityFeePerGas), suggested?.maxPriorityFeePerGas ?? 0)
        let maxFee = max(raised(attempt.maxFeePerGas), suggested?.maxFeePerGas ?? 0, tip)
        guard maxFee <= policy.maxFeeCap else { return nil }
        return Fees(maxFeePerGas: maxFee, maxPriorityFeePerGas: tip)
    }

    static func inFlight(_ w: Withdrawal, facts: Facts, policy: Policy) -> Step {
        // Whichever transaction of the set mined is the payment (one nonce: at most one).
        if let receipt = w.attempts.lazy.compactMap({ facts.receipts[$0.hash] }).first {
            guard let head = facts.head else { return .wait }
            let confirmations = head < receipt.blockNumber ? 0 : Int(clamping: head - receipt.blockNumber + 1)
            guard confirmations >= policy.confirmations else { return .wait }
            return receipt.succeeded ? .confirm(receipt) : .fail("the transaction reverted on chain", receipt)
        }
        guard let last = w.latestAttempt, w.nonce != nil else {
            return .flag("an in-flight withdrawal has no stored transaction; check it by hand")
        }
        if w.status == .signed { return .broadcast(last) }
        // Not knowing whether a transaction mined, the machine does nothing it could regret.
        guard facts.receiptsComplete else { return .wait }
        let waited = facts.now - (last.broadcastAt ?? last.signedAt)
        if nonceConsumedElsewhere(w, facts: facts), waited >= policy.replaceAfter {
            return .flag(
                "nonce \(w.nonce ?? 0) was used by another transaction from the hot wallet and none of ours mined;"
                    + " check the hot wallet's history, then `gp4u withdrawals fail` releases the hold")
        }
        guard waited >= policy.replaceAfter else { return .wait }
        guard let fees = bumped(last, suggested: facts.suggestedFees, policy: policy) else {
            return .flag(
                "transaction \(last.hash) has not mined and its max fee is at the cap of \(gwei(policy.maxFeeCap)) gwei; raise GP4U_CHAIN_\(w.chainID)_MAX_FEE_GWEI"
            )
        }
        return .replace(last, fees: fees)
    }

    /// The withdrawal's nonce is mined at the confirmation depth, and every one of its
    /// transactions was asked about and none has a receipt: another transaction of the
    /// hot wallet took the nonce, so ours can never mine.
    public static func nonceConsumedElsewhere(_ w: Withdrawal, facts: Facts) -> Bool {
        guard let nonce = w.nonce, let mined = facts.confirmedNonceCount, facts.receiptsComplete else { return false }
        return mined > nonce && !w.attempts.contains { facts.receipts[$0.hash] != nil }
    }

    /// Wei as gwei for messages, two decimals.
    static func gwei(_ wei: BigUInt) -> String {
        let hundredths = wei / 10_000_000
        let fraction = String(hundredths % 100)
        return "\(hundredths / 100).\(fraction.count == 1 ? "0" + fraction : fraction)"
    }
}

import Ethereum
import Foundation

/// Every decision about a withdrawal's money and state, from the stored facts: the
/// request, the owner's cancel, operators' approvals and rejections, and the outcomes
/// the sender reports (signed, broadcast, replaced, confirmed, failed). The store reads
/// the withdrawal (locked), calls one of these, and writes what it returns.
public enum WithdrawalLifecycle {
    /// A new request: a supported chain, an amount within the limits and the user's
    /// rolling 24-hour allowance, a destination that is none of ours, and the amount
    /// held from `source` (the ledger refuses it if the balance is short).
    ///
    /// - Parameters:
    ///   - chain: where this chain's withdrawals are paid from; nil when unsupported.
    ///   - requestedToday: what the user requested in the last 24 hours (rejected,
    ///     cancelled and failed requests do not count).
    public static func request(
        id: String, userID: String, source: Withdrawal.Source, amount: USDC, chainID: Int, destination: Address,
        chain: WithdrawalChain?, policy: WithdrawalPolicy, requestedToday: USDC, now: Int64
    ) throws -> WithdrawalDecision {
        guard let chain, chain.chainID == chainID else { throw WithdrawalRefusal.chainUnavailable(chainID) }
        guard amount >= policy.minimum else {
            throw WithdrawalRefusal.invalid(
                field: "amount", reason: "the smallest withdrawal is \(policy.minimum) USDC")
        }
        guard amount <= policy.maximum else {
            throw WithdrawalRefusal.invalid(field: "amount", reason: "the largest withdrawal is \(policy.maximum) USDC")
        }
        guard destination != .zero else {
            throw WithdrawalRefusal.invalid(field: "to", reason: "to is the zero address; tokens sent there are burned")
        }
        guard destination != chain.token else {
            throw WithdrawalRefusal.invalid(
                field: "to", reason: "to is the USDC contract itself; tokens sent there are lost")
        }
        guard !chain.ownAddresses.contains(destination) else {
            throw WithdrawalRefusal.invalid(
                field: "to", reason: "to is one of GP4U's own wallets; withdraw to an address you control")
        }
        let total = try requestedToday.adding(amount)
        guard total <= policy.dailyLimit else {
            let remaining =
                requestedToday < policy.dailyLimit ? try policy.dailyLimit.subtracting(requestedToday) : .zero
            throw WithdrawalRefusal.dailyLimit(limit: policy.dailyLimit, remaining: remaining)
        }
        let w = Withdrawal(
            id: id, userID: userID, source: source, amount: amount, chainID: chainID, token: chain.token,
            destination: destination, simulated: chain.simulated, createdAt: now)
        let hold = try LedgerTransaction.transfer(
            id: "withdrawal-hold:\(id)", kind: .withdrawalHold, amount: amount, from: source.account(user: userID),
            to: .held(user: userID), references: ["withdrawal": id], createdAt: now)
        return WithdrawalDecision(
            withdrawal: w, movements: [hold],
            audit: [
                audit(
                    w, "requested", by: userID,
                    "\(amount) USDC from \(source.rawValue) to \(destination.checksummed) on chain \(chainID)", now)
            ])
    }

    /// The owner cancels a request no operator has acted on yet; the hold goes back.
    public static func cancel(_ w: Withdrawal, by userID: String, now: Int64) throws -> WithdrawalDecision {
        guard w.userID == userID else { throw WithdrawalRefusal.notFound }
        guard w.status == .requested else {
            throw WithdrawalRefusal.notAllowed("a \(w.status.rawValue) withdrawal can no longer be cancelled")
        }
        return try release(w, to: .cancelled, reason: nil, by: userID, now: now)
    }

    /// `operatorID` approves: approvals bind the exact withdrawal (``Withdrawal/binding``),
    /// need distinct operators, and none may approve their own. Once `policy` has enough,
    /// the withdrawal is `approved` for the sender; a simulated one settles at once.
    public static func approve(_ w: Withdrawal, by operatorID: String, policy: WithdrawalPolicy, now: Int64) throws
        -> WithdrawalDecision
    {
        guard w.status == .requested else {
            throw WithdrawalRefusal.notAllowed("a \(w.status.rawValue) withdrawal cannot be approved")
        }
        guard w.userID != operatorID else { throw WithdrawalRefusal.ownWithdrawal }
        let valid = w.approvals.filter { $0.binding == w.binding }
        guard !valid.contains(where: { $0.operatorID == operatorID }) else { throw WithdrawalRefusal.alreadyApproved }
        var next = w
        next.approvals = valid + [Withdrawal.Approval(operatorID: operatorID, at: now, binding: w.binding)]
        next.updatedAt = now
        let count = next.approvals.count
        var entries = [audit(w, "approved", by: operatorID, "approval \(count) of \(policy.approvalsRequired)", now)]
        guard count >= policy.approvalsRequired else { return WithdrawalDecision(withdrawal: next, audit: entries) }
        next.status = .approved
        next.approvedAt = now
        guard w.simulated else { return WithdrawalDecision(withdrawal: next, audit: entries) }
        next.status = .confirmed
        next.finishedAt = now
        entries.append(audit(w, "confirmed", by: "simulator", "settled as simulated: no chain is connected", now))
        let settle = try LedgerTransaction.transfer(
            id: "withdrawal:\(w.id)", kind: .simulatedWithdrawal, amount: w.amount, from: .held(user: w.userID),
            to: .simulator, references: ["withdrawal": w.id, "simulated": "true"], createdAt: now)
        return WithdrawalDecision(withdrawal: next, movements: [settle], audit: entries)
    }

    /// `operatorID` rejects a withdrawal nothing has been signed for yet, saying why; the
    /// hold goes back.
    public static func reject(_ w: Withdrawal, by operatorID: String, reason: String, now: Int64) throws
        -> WithdrawalDecision
    {
        guard w.status == .requested || w.status == .approved else {
            throw WithdrawalRefusal.notAllowed("a \(w.status.rawValue) withdrawal cannot be rejected")
        }
        guard w.userID != operatorID else { throw WithdrawalRefusal.ownWithdrawal }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw WithdrawalRefusal.invalid(field: "reason", reason: "give a reason to reject") }
        var decision = try release(w, to: .rejected, reason: why, by: operatorID, now: now)
        decision.withdrawal.rejectedBy = operatorID
        return decision
    }

    /// The sender found an approved withdrawal short of valid approvals: some no longer
    /// match it (something changed after they were given; those are dropped), or its
    /// policy asks for more than the approving CLI's did. Either way it goes back to
    /// `requested`, keeping the valid ones, and the audit says which it was.
    public static func voidApprovals(_ w: Withdrawal, approvalsRequired: Int, now: Int64) -> WithdrawalDecision {
        var next = w
        next.status = .requested
        next.approvals = next.approvals.filter { $0.binding == w.binding }
        next.approvedAt = nil
        next.updatedAt = now
        let kept = next.validApprovers.count
        let dropped = w.approvals.count - next.approvals.count
        let entry =
            dropped > 0
            ? audit(
                w, "approval_voided", by: "sender",
                "\(dropped) approval(s) no longer match the withdrawal's user, amount, chain, token or destination; "
                    + "\(kept) of \(approvalsRequired) remain", now)
            : audit(
                w, "awaiting_approvals", by: "sender",
                "\(kept) approval(s) of the \(approvalsRequired) the sender's policy requires "
                    + "(GP4U_WITHDRAWAL_APPROVALS); waiting for more", now)
        return WithdrawalDecision(withdrawal: next, audit: [entry])
    }

    /// The sender signed `attempt` with the hot wallet's nonce `nonce` (stored before
    /// anything is sent).
    public static func signed(
        _ w: Withdrawal, attempt: WithdrawalAttempt, nonce: UInt64, hotWallet: Address, now: Int64
    ) throws -> WithdrawalDecision {
        guard w.status == .approved, w.nonce == nil else {
            throw WithdrawalRefusal.notAllowed("a \(w.status.rawValue) withdrawal cannot be signed again")
        }
        var next = w
        next.status = .signed
        next.nonce = nonce
        next.hotWallet = hotWallet
        next.attempts = [attempt]
        next.flag = nil
        next.updatedAt = now
        return WithdrawalDecision(
            withdrawal: next, audit: [audit(w, "signed", by: "sender", "nonce \(nonce), tx \(attempt.hash)", now)])
    }

    /// The sender signed a replacement for the in-flight transaction: same nonce, higher
    /// fees. Whichever of the set mines is the payment.
    public static func replaced(_ w: Withdrawal, by attempt: WithdrawalAttempt, now: Int64) throws
        -> WithdrawalDecision
    {
        guard w.status.isInFlight, let previous = w.latestAttempt else {
            throw WithdrawalRefusal.notAllowed("a \(w.status.rawValue) withdrawal has no transaction to replace")
        }
        var next = w
        next.status = .signed
        next.attempts.append(attempt)
        next.updatedAt = now
        return WithdrawalDecision(
            withdrawal: next,
            audit: [
                audit(
                    w, "replaced", by: "sender",
                    "tx \(previous.hash) by \(attempt.hash) (max fee \(attempt.maxFeePerGas) wei, tip \(attempt.maxPriorityFeePerGas) wei)",
                    now)
            ])
    }

    /// A node accepted (or already knew) the newest transaction.
    public static func broadcast(_ w: Withdrawal, now: Int64) -> WithdrawalDecision {
        var next = w
        next.status = .broadcast
        if !next.attempts.isEmpty { next.attempts[next.attempts.count - 1].broadcastAt = now }
        next.flag = nil
        next.updatedAt = now
        let hash = w.latestAttempt.map { "tx \($0.hash)" } ?? ""
        return WithdrawalDecision(withdrawal: next, audit: [audit(w, "broadcast", by: "sender", hash, now)])
    }

    /// The transaction `receipt` names mined successfully and reached the confirmation
    /// depth: the held amount leaves the ledger for the hot wallet, once.
    public static func confirm(_ w: Withdrawal, receipt: WithdrawalSending.Receipt, now: Int64) throws
        -> WithdrawalDecision
    {
        guard w.status.isInFlight, w.attempts.contains(where: { $0.hash == receipt.hash }) else {
            throw WithdrawalRefusal.notAllowed(
                "a \(w.status.rawValue) withdrawal cannot be confirmed by that transaction")
        }
        var next = w
        next.status = .confirmed
        next.minedHash = receipt.hash
        next.minedBlock = receipt.blockNumber
        next.networkFee = receipt.fee
        next.flag = nil
        next.finishedAt = now
        next.updatedAt = now
        let settle = try LedgerTransaction.transfer(
            id: "withdrawal:\(w.id)", kind: .withdrawal, amount: w.amount, from: .held(user: w.userID),
            to: .hotWallet(chain: w.chainID),
            references: [
                "withdrawal": w.id, "chain_id": "\(w.chainID)", "tx_hash": receipt.hash.description,
                "to": w.destination.checksummed,
            ],
            createdAt: now)
        return WithdrawalDecision(
            withdrawal: next, movements: [settle],
            audit: [audit(w, "confirmed", by: "sender", "tx \(receipt.hash) in block \(receipt.blockNumber)", now)])
    }

    /// Its transaction reverted or can never mine: the hold goes back, once. `actor` is the
    /// sender, or the operator who established it by hand.
    public static func fail(
        _ w: Withdrawal, reason: String, receipt: WithdrawalSending.Receipt?, by actor: String = "sender", now: Int64
    ) throws -> WithdrawalDecision {
        guard w.status.isInFlight else {
            throw WithdrawalRefusal.notAllowed("a \(w.status.rawValue) withdrawal cannot fail")
        }
        var decision = try release(w, to: .failed, reason: reason, by: actor, now: now)
        decision.withdrawal.minedHash = receipt?.hash
        decision.withdrawal.minedBlock = receipt?.blockNumber
        decision.withdrawal.networkFee = receipt?.fee
        return decision
    }

    /// Something keeps the withdrawal waiting (or nothing does any more, for nil).
    public static func flagged(_ w: Withdrawal, _ flag: String?, now: Int64) -> WithdrawalDecision {
        var next = w
        next.flag = flag
        next.updatedAt = now
        return WithdrawalDecision(
            withdrawal: next, audit: flag.map { [audit(w, "flagged", by: "sender", $0, now)] } ?? [])
    }

    static func release(_ w: Withdrawal, to status: Withdrawal.Status, reason: String?, by actor: String, now: Int64)
        throws -> WithdrawalDecision
    {
        var next = w
        next.status = status
        next.reason = reason
        next.flag = nil
        next.finishedAt = now
        next.updatedAt = now
        let release = try LedgerTransaction.transfer(
            id: "withdrawal-release:\(w.id)", kind: .withdrawalRelease, amount: w.amount, from: .held(user: w.userID),
            to: w.source.account(user: w.userID), references: ["withdrawal": w.id], createdAt: now)
        return WithdrawalDecision(
            withdrawal: next, movements: [release], audit: [audit(w, status.rawValue, by: actor, reason ?? "", now)])
    }

    static func audit(_ w: Withdrawal, _ action: String, by actor: String, _ detail: String, _ now: Int64)
        -> WithdrawalAuditEntry
    {
        WithdrawalAuditEntry(withdrawalID: w.id, action: action, actor: actor, detail: detail, at: now)
    }
}

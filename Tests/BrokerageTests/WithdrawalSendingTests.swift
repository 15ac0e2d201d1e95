import Brokerage
import Ethereum
import Testing

/// The sending state machine as a transition table: for a withdrawal as stored and what
/// the chain says, the one next step.
@Suite("Withdrawal sending state machine")
struct WithdrawalSendingTests {
    typealias L = WithdrawalLifecycleTests
    static let gwei: BigUInt = 1_000_000_000
    static let policy = WithdrawalSending.Policy(
        confirmations: 3, replaceAfter: 180, maxFeeCap: 100 * gwei, minimumTip: 25 * gwei, approvalsRequired: 2)
    static let fees = WithdrawalSending.Fees(maxFeePerGas: 60 * gwei, maxPriorityFeePerGas: 30 * gwei)

    /// Approved by two operators.
    static func approved() throws -> Withdrawal {
        var w = try L.requested()
        for op in ["ops-1", "ops-2"] {
            w = try WithdrawalLifecycle.approve(w, by: op, policy: L.policy, now: L.now).withdrawal
        }
        return w
    }

    /// In flight with `attempts`, the last one broadcast at `sentAt`.
    static func inFlight(_ attempts: [WithdrawalAttempt], sentAt: Int64?, status: Withdrawal.Status = .broadcast) throws
        -> Withdrawal
    {
        var w = try approved()
        w.status = status
        w.nonce = 4
        w.hotWallet = L.hot
        w.attempts = attempts
        if let sentAt { w.attempts[w.attempts.count - 1].broadcastAt = sentAt }
        return w
    }

    static func facts(
        now: Int64 = L.now, head: UInt64? = 100, receipts: [WithdrawalSending.Receipt] = [],
        usdc: Int64? = 1_000_000_000,
        native: BigUInt? = BigUInt(10).power(18), confirmedNonces: UInt64? = 4,
        suggested: WithdrawalSending.Fees? = fees
    ) -> WithdrawalSending.Facts {
        WithdrawalSending.Facts(
            now: now, head: head, receipts: Dictionary(uniqueKeysWithValues: receipts.map { ($0.hash, $0) }),
            spendableUSDC: usdc.map { USDC(micro: $0) }, nativeBalance: native, confirmedNonceCount: confirmedNonces,
            suggestedFees: suggested)
    }

    static func receipt(_ a: WithdrawalAttempt, block: UInt64, ok: Bool = true) -> WithdrawalSending.Receipt {
        WithdrawalSending.Receipt(
            hash: a.hash, blockNumber: block, succeeded: ok, gasUsed: 60_000, effectiveGasPrice: gwei)
    }

    @Test(
        "approved: void mismatched or missing approvals, wait without balances, flag a short hot wallet, else estimate")
    func approved() throws {
        let w = try Self.approved()
        #expect(WithdrawalSending.next(w, facts: Self.facts(), policy: Self.policy) == .estimate)
        var tampered = w
        tampered.destination = L.depositAddress
        #expect(WithdrawalSending.next(tampered, facts: Self.facts(), policy: Self.policy) == .voidApprovals)
        var stricter = Self.policy
        stricter.approvalsRequired = 3
        #expect(WithdrawalSending.next(w, facts: Self.facts(), policy: stricter) == .voidApprovals)
        #expect(WithdrawalSending.next(w, facts: Self.facts(usdc: nil), policy: Self.policy) == .wait)
        guard case .flag(let why) = WithdrawalSending.next(w, facts: Self.facts(usdc: 39_999_999), policy: Self.policy)
        else {
            Issue.record("a short hot wallet must flag")
            return
        }
        #expect(why.contains("39.999999") && why.contains("fund"))
        #expect(WithdrawalSending.next(w, facts: Self.facts(usdc: 40_000_000), policy: Self.policy) == .estimate)
        for status in [Withdrawal.Status.requested, .rejected, .cancelled, .confirmed, .failed] {
            var other = w
            other.status = status
            #expect(WithdrawalSending.next(other, facts: Self.facts(), policy: Self.policy) == .wait, "\(status)")
        }
    }

    @Test("after the estimate: 20% margin, the node's fees; flag fees over the cap and gas the wallet cannot pay")
    func signAfterEstimate() throws {
        let w = try Self.approved()
        #expect(
            WithdrawalSending.sign(w, gasEstimate: 50_000, facts: Self.facts(), policy: Self.policy)
                == .sign(gasLimit: 60_000, fees: Self.fees))
        let pricey = WithdrawalSending.Fees(maxFeePerGas: 101 * Self.gwei, maxPriorityFeePerGas: 30 * Self.gwei)
        guard
            case .flag(let cap) = WithdrawalSending.sign(
                w, gasEstimate: 50_000, facts: Self.facts(suggested: pricey), policy: Self.policy)
        else {
            Issue.record("fees over the cap must flag")
            return
        }
        #expect(cap.contains("above the cap of 100.00 gwei"))
        let poor = Self.facts(native: 60_000 * 60 * Self.gwei - 1)
        guard case .flag(let gas) = WithdrawalSending.sign(w, gasEstimate: 50_000, facts: poor, policy: Self.policy)
        else {
            Issue.record("a hot wallet without gas must flag")
            return
        }
        #expect(gas.contains("for gas"))
        #expect(
            WithdrawalSending.sign(
                w, gasEstimate: 50_000, facts: Self.facts(native: 60_000 * 60 * Self.gwei), policy: Self.policy)
                == .sign(gasLimit: 60_000, fees: Self.fees))
        #expect(
            WithdrawalSending.sign(w, gasEstimate: 50_000, facts: Self.facts(suggested: nil), policy: Self.policy)
                == .wait)
    }

    @Test("fees: the chain's minimum tip, twice the base fee plus the tip")
    func fees() {
        #expect(
            WithdrawalSending.fees(baseFee: 10 * Self.gwei, suggestedTip: Self.gwei, policy: Self.policy)
                == .init(maxFeePerGas: 45 * Self.gwei, maxPriorityFeePerGas: 25 * Self.gwei))
        #expect(
            WithdrawalSending.fees(baseFee: 0, suggestedTip: 30 * Self.gwei, policy: Self.policy)
                == .init(maxFeePerGas: 30 * Self.gwei, maxPriorityFeePerGas: 30 * Self.gwei))
    }

    @Test("bumps raise both fields by at least 12.5% (rounded up), follow a higher suggestion, and stop at the cap")
    func bumps() {
        let a = L.attempt(1, maxFee: 80 * Self.gwei, tip: 8 * Self.gwei)
        #expect(
            WithdrawalSending.bumped(a, suggested: nil, policy: Self.policy)
                == .init(maxFeePerGas: 90 * Self.gwei, maxPriorityFeePerGas: 9 * Self.gwei))
        let odd = L.attempt(1, maxFee: 9, tip: 1)
        #expect(
            WithdrawalSending.bumped(odd, suggested: nil, policy: Self.policy)
                == .init(maxFeePerGas: 11, maxPriorityFeePerGas: 2))
        let higher = WithdrawalSending.Fees(maxFeePerGas: 95 * Self.gwei, maxPriorityFeePerGas: 40 * Self.gwei)
        #expect(WithdrawalSending.bumped(a, suggested: higher, policy: Self.policy) == higher)
        let nearCap = L.attempt(1, maxFee: 89 * Self.gwei + 1, tip: 8 * Self.gwei)
        #expect(WithdrawalSending.bumped(nearCap, suggested: nil, policy: Self.policy) == nil)
    }

    @Test(
        "in flight: a stored transaction is broadcast, then waited on, replaced after the interval, flagged at the cap")
    func inFlight() throws {
        let first = L.attempt(1, maxFee: 60 * Self.gwei, tip: 30 * Self.gwei, signedAt: L.now)
        let signed = try Self.inFlight([first], sentAt: nil, status: .signed)
        #expect(
            WithdrawalSending.next(signed, facts: Self.facts(), policy: Self.policy) == .broadcast(signed.attempts[0]))
        let sent = try Self.inFlight([first], sentAt: L.now)
        #expect(WithdrawalSending.next(sent, facts: Self.facts(now: L.now + 179), policy: Self.policy) == .wait)
        let bumped = WithdrawalSending.Fees(
            maxFeePerGas: 68 * Self.gwei - Self.gwei / 2, maxPriorityFeePerGas: 34 * Self.gwei - Self.gwei / 4)
        #expect(
            WithdrawalSending.next(sent, facts: Self.facts(now: L.now + 180, suggested: nil), policy: Self.policy)
                == .replace(sent.attempts[0], fees: bumped))
        let capped = try Self.inFlight([L.attempt(1, maxFee: 100 * Self.gwei, tip: 30 * Self.gwei)], sentAt: L.now)
        guard
            case .flag(let why) = WithdrawalSending.next(
                capped, facts: Self.facts(now: L.now + 500), policy: Self.policy)
        else {
            Issue.record("a transaction at the cap must flag")
            return
        }
        #expect(why.contains("GP4U_CHAIN_1337_MAX_FEE_GWEI"))
        // A replacement signed but not yet sent is sent next.
        let replacing = try Self.inFlight([first, L.attempt(2)], sentAt: nil, status: .signed)
        #expect(
            WithdrawalSending.next(replacing, facts: Self.facts(), policy: Self.policy)
                == .broadcast(replacing.attempts[1]))
    }

    @Test("receipts: whichever transaction mined counts, only at depth; success confirms, a revert fails")
    func receipts() throws {
        let (a, b) = (L.attempt(1), L.attempt(2))
        let w = try Self.inFlight([a, b], sentAt: L.now)
        let minedA = Self.receipt(a, block: 98)
        #expect(
            WithdrawalSending.next(w, facts: Self.facts(head: 99, receipts: [minedA]), policy: Self.policy) == .wait)
        #expect(
            WithdrawalSending.next(w, facts: Self.facts(head: 100, receipts: [minedA]), policy: Self.policy)
                == .confirm(minedA))
        #expect(
            WithdrawalSending.next(w, facts: Self.facts(head: nil, receipts: [minedA]), policy: Self.policy) == .wait)
        let reverted = Self.receipt(b, block: 90, ok: false)
        #expect(
            WithdrawalSending.next(w, facts: Self.facts(head: 100, receipts: [reverted]), policy: Self.policy)
                == .fail("the transaction reverted on chain", reverted))
        // Even while signed (a replacement not sent yet), a mined earlier transaction wins.
        let replacing = try Self.inFlight([a, b], sentAt: nil, status: .signed)
        #expect(
            WithdrawalSending.next(replacing, facts: Self.facts(head: 100, receipts: [minedA]), policy: Self.policy)
                == .confirm(minedA))
    }

    @Test("a nonce mined at depth by a transaction of someone else fails the withdrawal, but only after the interval")
    func nonceUsedElsewhere() throws {
        let w = try Self.inFlight([L.attempt(1)], sentAt: L.now)
        #expect(
            WithdrawalSending.next(w, facts: Self.facts(now: L.now + 10, confirmedNonces: 5), policy: Self.policy)
                == .wait)
        #expect(
            WithdrawalSending.next(w, facts: Self.facts(now: L.now + 180, confirmedNonces: 5), policy: Self.policy)
                == .fail("nonce 4 was used by another transaction from the hot wallet", nil))
        guard
            case .replace = WithdrawalSending.next(
                w, facts: Self.facts(now: L.now + 180, confirmedNonces: 4), policy: Self.policy)
        else {
            Issue.record("our nonce not yet mined: replace")
            return
        }
    }
}

import Brokerage
import Ethereum
import TestSupport
import Testing

/// Withdrawal decisions as tables, without a database: what a request, a cancel, an
/// approval or a rejection refuses, the state it leaves and the money it moves.
@Suite("Withdrawal lifecycle decisions")
struct WithdrawalLifecycleTests {
    static let now: Int64 = 1_800_000_000
    typealias F = WithdrawalFixtures
    static let (token, hot, depositAddress, recipient, chain) = (F.token, F.hot, F.depositAddress, F.recipient, F.chain)
    static let policy = WithdrawalPolicy(
        minimum: USDC(micro: 1_000_000), maximum: USDC(micro: 10_000_000_000), dailyLimit: USDC(micro: 25_000_000_000),
        approvalsRequired: 2)

    static func request(
        _ micro: Int64, to destination: Address = recipient, chain: WithdrawalChain? = chain, today: Int64 = 0,
        source: Withdrawal.Source = .available
    ) throws -> WithdrawalDecision {
        try WithdrawalLifecycle.request(
            id: "w1", userID: "u", source: source, amount: USDC(micro: micro), chainID: 1337, destination: destination,
            chain: chain, policy: policy, requestedToday: USDC(micro: today), now: now)
    }

    static func requested(simulated: Bool = false) throws -> Withdrawal {
        var w = try request(40_000_000).withdrawal
        w.simulated = simulated
        return w
    }

    @Test("a request holds the amount from its source and starts `requested`")
    func request() throws {
        let d = try Self.request(40_000_000)
        #expect(d.withdrawal.status == .requested && d.withdrawal.token == Self.token && !d.withdrawal.simulated)
        #expect(netChange(d.movements) == ["available:u": -40_000_000, "held:u": 40_000_000])
        #expect(d.movements.map(\.id) == ["withdrawal-hold:w1"] && d.movements[0].kind == .withdrawalHold)
        #expect(d.audit.map(\.action) == ["requested"])
        let earnings = try Self.request(5_000_000, source: .earnings)
        #expect(netChange(earnings.movements) == ["earnings:u": -5_000_000, "held:u": 5_000_000])
    }

    @Test(
        "a request is refused for its amount, its destination or its chain, naming the field",
        arguments: [
            (999_999, recipient, "amount"), (10_000_000_001, recipient, "amount"), (5_000_000, Address.zero, "to"),
            (5_000_000, token, "to"), (5_000_000, hot, "to"), (5_000_000, depositAddress, "to"),
        ])
    func requestRefusals(micro: Int64, destination: Address, field: String) {
        #expect {
            try Self.request(micro, to: destination)
        } throws: { error in
            if case .invalid(let f, _) = error as? WithdrawalRefusal { return f == field }
            return false
        }
    }

    @Test("unsupported chains and the rolling daily limit are refused; the limit counts what was requested")
    func chainAndLimit() throws {
        #expect(throws: WithdrawalRefusal.chainUnavailable(1337)) { try Self.request(5_000_000, chain: nil) }
        #expect(throws: WithdrawalRefusal.dailyLimit(limit: Self.policy.dailyLimit, remaining: USDC(micro: 1_000_000)))
        {
            try Self.request(2_000_000, today: 24_999_000_000)
        }
        #expect(throws: WithdrawalRefusal.dailyLimit(limit: Self.policy.dailyLimit, remaining: .zero)) {
            try Self.request(2_000_000, today: 30_000_000_000)
        }
        #expect(try Self.request(1_000_000, today: 24_999_000_000).withdrawal.amount == USDC(micro: 1_000_000))
    }

    @Test("the owner cancels only while requested; the hold is released")
    func cancel() throws {
        let w = try Self.requested()
        let d = try WithdrawalLifecycle.cancel(w, by: "u", now: Self.now + 5)
        #expect(d.withdrawal.status == .cancelled && d.withdrawal.finishedAt == Self.now + 5)
        #expect(d.movements.map(\.id) == ["withdrawal-release:w1"])
        #expect(netChange(d.movements) == ["held:u": -40_000_000, "available:u": 40_000_000])
        #expect(throws: WithdrawalRefusal.notFound) { try WithdrawalLifecycle.cancel(w, by: "other", now: Self.now) }
        var approved = w
        approved.status = .approved
        #expect(throws: WithdrawalRefusal.notAllowed("a approved withdrawal can no longer be cancelled")) {
            try WithdrawalLifecycle.cancel(approved, by: "u", now: Self.now)
        }
    }

    @Test("approvals: distinct operators, never the owner, bound to the withdrawal; enough of them approve it")
    func approvals() throws {
        let w = try Self.requested()
        let first = try WithdrawalLifecycle.approve(w, by: "ops-1", policy: Self.policy, now: Self.now + 1)
        #expect(first.withdrawal.status == .requested && first.withdrawal.validApprovers == ["ops-1"])
        #expect(first.movements.isEmpty && first.audit.map(\.detail) == ["approval 1 of 2"])
        #expect(throws: WithdrawalRefusal.alreadyApproved) {
            try WithdrawalLifecycle.approve(first.withdrawal, by: "ops-1", policy: Self.policy, now: Self.now + 2)
        }
        #expect(throws: WithdrawalRefusal.ownWithdrawal) {
            try WithdrawalLifecycle.approve(first.withdrawal, by: "u", policy: Self.policy, now: Self.now + 2)
        }
        let second = try WithdrawalLifecycle.approve(
            first.withdrawal, by: "ops-2", policy: Self.policy, now: Self.now + 3)
        #expect(second.withdrawal.status == .approved && second.withdrawal.approvedAt == Self.now + 3)
        #expect(second.movements.isEmpty, "money moves only when a transaction confirms")

        // An approval of another destination approves nothing.
        var changed = first.withdrawal
        changed.destination = Self.hot
        #expect(changed.validApprovers.isEmpty)
        let again = try WithdrawalLifecycle.approve(changed, by: "ops-2", policy: Self.policy, now: Self.now + 4)
        #expect(again.withdrawal.status == .requested && again.withdrawal.approvals.map(\.operatorID) == ["ops-2"])
        #expect(throws: WithdrawalRefusal.notAllowed("a approved withdrawal cannot be approved")) {
            try WithdrawalLifecycle.approve(second.withdrawal, by: "ops-3", policy: Self.policy, now: Self.now)
        }
    }

    @Test("the binding names user, amount, chain, token and destination")
    func binding() throws {
        let w = try Self.requested()
        var variants: [Withdrawal] = []
        for change in 0..<6 {
            var v = w
            switch change {
            case 0: v.userID = "someone"
            case 1: v.amount = USDC(micro: 40_000_001)
            case 2: v.chainID = 137
            case 3: v.token = Self.depositAddress
            case 4: v.destination = Self.depositAddress
            default: v.source = .earnings
            }
            variants.append(v)
        }
        #expect(Set(variants.map(\.binding) + [w.binding]).count == 7)
        var sameBinding = w
        sameBinding.status = .approved
        sameBinding.flag = "anything"
        #expect(sameBinding.binding == w.binding, "state is not part of what was approved")
    }

    @Test("a simulated withdrawal settles against the simulator when approved")
    func simulated() throws {
        let policy = WithdrawalPolicy(approvalsRequired: 1)
        let d = try WithdrawalLifecycle.approve(
            try Self.requested(simulated: true), by: "ops-1", policy: policy, now: Self.now)
        #expect(d.withdrawal.status == .confirmed && d.withdrawal.finishedAt == Self.now)
        #expect(d.movements.map(\.kind) == [.simulatedWithdrawal])
        #expect(netChange(d.movements) == ["held:u": -40_000_000, "external:simulator": 40_000_000])
        #expect(d.audit.map(\.action) == ["approved", "confirmed"])
    }

    @Test("rejection needs a reason, releases the hold, and is refused once signed")
    func reject() throws {
        let w = try Self.requested()
        #expect(throws: WithdrawalRefusal.invalid(field: "reason", reason: "give a reason to reject")) {
            try WithdrawalLifecycle.reject(w, by: "ops-1", reason: "  \n", now: Self.now)
        }
        let d = try WithdrawalLifecycle.reject(w, by: "ops-1", reason: " unknown destination ", now: Self.now)
        #expect(d.withdrawal.status == .rejected && d.withdrawal.reason == "unknown destination")
        #expect(d.withdrawal.rejectedBy == "ops-1")
        #expect(netChange(d.movements) == ["held:u": -40_000_000, "available:u": 40_000_000])
        #expect(throws: WithdrawalRefusal.ownWithdrawal) {
            try WithdrawalLifecycle.reject(w, by: "u", reason: "my own", now: Self.now)
        }
        var signed = w
        signed.status = .signed
        #expect(throws: WithdrawalRefusal.notAllowed("a signed withdrawal cannot be rejected")) {
            try WithdrawalLifecycle.reject(signed, by: "ops-1", reason: "late", now: Self.now)
        }
    }

    static func attempt(_ tag: UInt8, maxFee: BigUInt = 100, tip: BigUInt = 10, signedAt: Int64 = now)
        -> WithdrawalAttempt
    {
        F.attempt(tag, maxFee: maxFee, tip: tip, signedAt: signedAt)
    }

    @Test(
        "the sender's outcomes: signed stores the nonce, replaced adds a transaction, confirm settles once, fail releases once"
    )
    func sendingOutcomes() throws {
        var approved = try Self.requested()
        approved.status = .approved
        let signed = try WithdrawalLifecycle.signed(
            approved, attempt: Self.attempt(1), nonce: 7, hotWallet: Self.hot, now: Self.now)
        #expect(signed.withdrawal.status == .signed && signed.withdrawal.nonce == 7 && signed.movements.isEmpty)
        #expect(throws: WithdrawalRefusal.self) {
            try WithdrawalLifecycle.signed(
                signed.withdrawal, attempt: Self.attempt(2), nonce: 8, hotWallet: Self.hot, now: Self.now)
        }
        let sent = WithdrawalLifecycle.broadcast(signed.withdrawal, now: Self.now + 1).withdrawal
        #expect(sent.status == .broadcast && sent.latestAttempt?.broadcastAt == Self.now + 1)
        let replaced = try WithdrawalLifecycle.replaced(sent, by: Self.attempt(2, maxFee: 113), now: Self.now + 200)
        #expect(replaced.withdrawal.status == .signed && replaced.withdrawal.attempts.count == 2)
        #expect(replaced.withdrawal.nonce == 7, "a replacement keeps the nonce")

        // The first transaction mined after all: it is the payment.
        let receipt = WithdrawalSending.Receipt(
            hash: Self.attempt(1).hash, blockNumber: 50, succeeded: true, gasUsed: 50_000, effectiveGasPrice: 90)
        let confirmed = try WithdrawalLifecycle.confirm(replaced.withdrawal, receipt: receipt, now: Self.now + 300)
        #expect(confirmed.withdrawal.status == .confirmed && confirmed.withdrawal.minedHash == Self.attempt(1).hash)
        #expect(confirmed.withdrawal.networkFee == 4_500_000)
        #expect(confirmed.movements.map(\.id) == ["withdrawal:w1"] && confirmed.movements[0].kind == .withdrawal)
        #expect(netChange(confirmed.movements) == ["held:u": -40_000_000, "external:chain:1337": 40_000_000])
        #expect(throws: WithdrawalRefusal.self) {
            try WithdrawalLifecycle.confirm(confirmed.withdrawal, receipt: receipt, now: Self.now + 301)
        }
        let stranger = WithdrawalSending.Receipt(
            hash: Self.attempt(9).hash, blockNumber: 50, succeeded: true, gasUsed: 1, effectiveGasPrice: 1)
        #expect(throws: WithdrawalRefusal.self) {
            try WithdrawalLifecycle.confirm(replaced.withdrawal, receipt: stranger, now: Self.now)
        }

        let failed = try WithdrawalLifecycle.fail(sent, reason: "reverted", receipt: nil, now: Self.now + 9)
        #expect(failed.withdrawal.status == .failed && failed.withdrawal.reason == "reverted")
        #expect(netChange(failed.movements) == ["held:u": -40_000_000, "available:u": 40_000_000])
        #expect(throws: WithdrawalRefusal.self) {
            try WithdrawalLifecycle.fail(failed.withdrawal, reason: "again", receipt: nil, now: Self.now + 10)
        }
    }

    @Test("voided approvals send the withdrawal back to requested with an audit line")
    func voidApprovals() throws {
        let first = try WithdrawalLifecycle.approve(
            try Self.requested(), by: "ops-1", policy: Self.policy, now: Self.now)
        var approved = try WithdrawalLifecycle.approve(
            first.withdrawal, by: "ops-2", policy: Self.policy, now: Self.now
        )
        .withdrawal
        approved.destination = Self.depositAddress
        let d = WithdrawalLifecycle.voidApprovals(approved, approvalsRequired: 2, now: Self.now + 1)
        #expect(d.withdrawal.status == .requested && d.withdrawal.approvals.isEmpty && d.withdrawal.approvedAt == nil)
        #expect(d.audit.map(\.action) == ["approval_voided"] && d.movements.isEmpty)
        #expect(d.audit[0].detail.hasPrefix("2 approval(s) no longer match"))
    }

    @Test("a policy asking for more approvals than were given keeps them and says so")
    func approvalsShortOfPolicy() throws {
        let approved = try WithdrawalLifecycle.approve(
            try Self.requested(), by: "ops-1", policy: WithdrawalPolicy(approvalsRequired: 1), now: Self.now
        )
        .withdrawal
        #expect(approved.status == .approved)
        let d = WithdrawalLifecycle.voidApprovals(approved, approvalsRequired: 2, now: Self.now + 1)
        #expect(d.withdrawal.status == .requested && d.withdrawal.validApprovers == ["ops-1"])
        #expect(d.audit.map(\.action) == ["awaiting_approvals"])
        #expect(d.audit[0].detail.hasPrefix("1 approval(s) of the 2"))
    }
}

import Brokerage
import Ethereum
import EthereumRPC
import Logging
import Metrics
import ServiceLifecycle
import Timekeeping

/// Pays one chain's approved withdrawals from its hot wallet and follows them until they
/// confirm. Every decision is ``WithdrawalSending``'s (and ``WithdrawalLifecycle``'s for
/// what is stored); this service gathers the facts, performs the step and asks again.
///
/// Run on one replica at a time (the server leases it like the deposit watcher). At the
/// start of each term it reconciles the hot wallet's nonce with the node and re-sends the
/// stored transactions the node does not know; then every tick it tracks the in-flight
/// withdrawals (oldest nonce first) and signs the approved ones (oldest approval first).
/// Node and store failures are logged and counted and retried on the next tick; nothing
/// is thrown out of `run()`.
public actor WithdrawalSenderService: Service {
    /// What one chain's sender needs to know.
    public struct Settings: Sendable {
        public var chainID: Int
        public var token: Address
        public var policy: WithdrawalSending.Policy
        public var interval: Duration

        public init(chainID: Int, token: Address, policy: WithdrawalSending.Policy, interval: Duration) {
            self.chainID = chainID
            self.token = token
            self.policy = policy
            self.interval = interval
        }
    }

    let settings: Settings
    let wallet: HotWallet
    let rpc: RPCClient
    let store: any WithdrawalStore
    let board: SenderStatusBoard
    let clock: any TimeSource
    let checkpoint: @Sendable (SendCheckpoint) -> Void
    let logger: Logger
    let metrics: PayoutMetrics
    var reconciled = false
    var status: SenderStatus

    public init(
        settings: Settings, wallet: HotWallet, rpc: RPCClient, store: any WithdrawalStore, board: SenderStatusBoard,
        clock: any TimeSource = SystemTimeSource(), checkpoint: @escaping @Sendable (SendCheckpoint) -> Void = { _ in },
        metricsFactory: any MetricsFactory = MetricsSystem.factory, logger: Logger = Logger(label: "gp4u.payouts")
    ) {
        self.settings = settings
        self.wallet = wallet
        self.rpc = rpc
        self.store = store
        self.board = board
        self.clock = clock
        self.checkpoint = checkpoint
        var logger = logger
        logger[metadataKey: "chain.id"] = "\(settings.chainID)"
        logger[metadataKey: "payout.hot_wallet"] = "\(wallet.address.checksummed)"
        self.logger = logger
        self.metrics = PayoutMetrics(chainID: settings.chainID, factory: metricsFactory)
        self.status = SenderStatus(chainID: settings.chainID, hotWallet: wallet.address)
    }

    public func run() async throws {
        logger.info("withdrawal sender started")
        for try await _ in Ticks(every: settings.interval, clock: clock).cancelOnGracefulShutdown() {
            await cancelWhenGracefulShutdown { await self.tick() }
        }
        logger.info("withdrawal sender stopped")
    }

    /// One round: reconcile if this term has not, learn the chain's state, then take
    /// every in-flight and approved withdrawal as far as it can go now.
    public func tick() async {
        if !reconciled { reconciled = await reconcile() }
        guard reconciled else { return }
        let withdrawals: [Withdrawal]
        do {
            withdrawals = try await store.withdrawals(
                statuses: [.approved, .signed, .broadcast], chainID: settings.chainID, limit: 10_000)
        } catch {
            return storeFailed(error, "could not list withdrawals to send")
        }
        var facts = await chainFacts()
        let balance = facts.spendableUSDC  // read this tick, or nil
        status.problems = []
        let inFlight = withdrawals.filter(\.status.isInFlight).sorted { ($0.nonce ?? 0) < ($1.nonce ?? 0) }
        // USDC that transactions sent but not yet mined will take from the hot wallet.
        var committed: Int64 = 0
        for w in inFlight {
            (facts.receipts, facts.receiptsComplete) = await receipts(of: w)
            if facts.receipts.isEmpty { committed += w.amount.micro }
            await advance(w, facts: facts)
        }
        facts.receiptsComplete = true
        facts.receipts = [:]
        let approved = withdrawals.filter { $0.status == .approved }
            .sorted { ($0.approvedAt ?? 0, $0.id) < ($1.approvedAt ?? 0, $1.id) }
        for start in stride(from: 0, to: approved.count, by: Self.batchSize) {
            let batch = approved[start..<min(start + Self.batchSize, approved.count)]
            committed = await pay(Array(batch), facts: facts, balance: balance, committed: committed)
        }
        status.lastTickAt = clock.epochSeconds
        board.publish(status)
        metrics.record(status)
        do { metrics.record(try await store.withdrawalCounts(chainID: settings.chainID)) } catch {
            storeFailed(error, "could not count withdrawals")
        }
    }

    /// Approved withdrawals signed, stored and sent per round trip: one batch of gas
    /// estimates, one database transaction to sign and store them all, the sends, and one
    /// transaction to record the broadcasts.
    public static let batchSize = 100

    /// Runs an in-flight withdrawal's steps until it must wait.
    func advance(_ w: Withdrawal, facts: WithdrawalSending.Facts) async {
        var current = w
        var facts = facts
        for _ in 0..<6 {
            facts.now = clock.epochSeconds
            let step = WithdrawalSending.next(current, facts: facts, policy: settings.policy)
            guard let next = await perform(step, on: current, facts: facts) else { return }
            current = next
        }
    }

    /// Pays a batch of approved withdrawals as far as they go now: each is decided alone
    /// (approvals, funds, the estimate, the gas), then the ones to sign are signed, stored
    /// and sent together. Returns the USDC committed after them.
    func pay(_ batch: [Withdrawal], facts: WithdrawalSending.Facts, balance: USDC?, committed: Int64) async -> Int64 {
        var committed = committed
        var estimating: [Withdrawal] = []
        for w in batch {
            var f = facts
            f.spendableUSDC = balance.map { USDC(micro: $0.micro - committed) }
            let step = WithdrawalSending.next(w, facts: f, policy: settings.policy)
            guard step == .estimate else {
                _ = await perform(step, on: w, facts: f)
                continue
            }
            estimating.append(w)
            committed += w.amount.micro
        }
        guard !estimating.isEmpty else { return committed }
        let estimates: [Result<UInt64, RPCError>]
        do {
            estimates = try await rpc.estimateGas(
                try estimating.map { w in
                    (
                        wallet.address, w.token,
                        try ERC20.transferCallData(to: w.destination, amount: w.amount.baseUnits())
                    )
                })
        } catch {
            rpcFailed(error as? RPCError ?? .cancelled, "could not estimate gas")
            return committed - estimating.reduce(0) { $0 + $1.amount.micro }
        }
        var plans: [String: (gasLimit: UInt64, fees: WithdrawalSending.Fees)] = [:]
        var order: [String] = []
        for (w, estimate) in zip(estimating, estimates) {
            let step: WithdrawalSending.Step
            switch estimate {
            case .success(let gas):
                step = WithdrawalSending.sign(w, gasEstimate: gas, facts: facts, policy: settings.policy)
            case .failure(let error) where error.classification == .retryable:
                rpcFailed(error, "could not estimate gas")
                step = .wait
            case .failure(let error): step = .flag("the node's gas estimate failed: \(error)")
            }
            if case .sign(let gasLimit, let fees) = step {
                plans[w.id] = (gasLimit, fees)
                order.append(w.id)
            } else {
                committed -= w.amount.micro
                _ = await perform(step, on: w, facts: facts)
            }
        }
        let signed = await sign(order, plans: plans, now: facts.now)
        var sent: [String] = []
        for w in signed.sorted(by: { ($0.nonce ?? 0) < ($1.nonce ?? 0) }) {
            guard let attempt = w.latestAttempt else { continue }
            if await send(w, attempt, facts: facts) { sent.append(w.id) }
        }
        guard !sent.isEmpty else { return committed }
        checkpoint(.broadcast)
        let now = clock.epochSeconds
        do {
            _ = try await store.changeWithdrawals(ids: sent) { w in
                w.status == .signed ? WithdrawalLifecycle.broadcast(w, now: now) : nil
            }
        } catch {
            storeFailed(error, "could not record \(sent.count) broadcasts")
        }
        return committed
    }

    /// Performs one step; the withdrawal as stored after it, or nil when it must wait.
    func perform(_ step: WithdrawalSending.Step, on w: Withdrawal, facts: WithdrawalSending.Facts) async
        -> Withdrawal?
    {
        let now = facts.now
        switch step {
        case .wait:
            if let flag = w.flag { status.problems.append("withdrawal \(w.id): \(flag)") }
            return nil
        case .flag(let text):
            status.problems.append("withdrawal \(w.id): \(text)")
            guard w.flag != text else { return nil }
            metrics.flags.increment()
            logger.warning("withdrawal waits", metadata: ["withdrawal.id": "\(w.id)", "withdrawal.flag": "\(text)"])
            _ = await change(w) { WithdrawalLifecycle.flagged($0, text, now: now) }
            return nil
        case .voidApprovals:
            logger.warning(
                "approved withdrawal short of valid approvals; back to requested",
                metadata: ["withdrawal.id": "\(w.id)"])
            let required = settings.policy.approvalsRequired
            _ = await change(w) { WithdrawalLifecycle.voidApprovals($0, approvalsRequired: required, now: now) }
            return nil
        case .estimate, .sign:
            // Only approved withdrawals estimate and sign, and they go through pay(_:).
            return nil
        case .broadcast(let attempt):
            guard await send(w, attempt, facts: facts) else { return nil }
            checkpoint(.broadcast)
            return await change(w) { WithdrawalLifecycle.broadcast($0, now: now) }
        case .replace(let attempt, let fees):
            guard let nonce = w.nonce else { return nil }
            let wallet = wallet
            let next = await change(w) { current in
                let replacement = try wallet.sign(
                    current, nonce: nonce, gasLimit: attempt.gasLimit, fees: fees, at: now)
                return try WithdrawalLifecycle.replaced(current, by: replacement, now: now)
            }
            if next != nil {
                metrics.replacements.increment()
                logger.notice(
                    "transaction not mined; replaced with higher fees",
                    metadata: [
                        "withdrawal.id": "\(w.id)", "chain.tx": "\(attempt.hash)",
                        "payout.max_fee": "\(fees.maxFeePerGas)",
                    ])
            }
            return next
        case .confirm(let receipt):
            checkpoint(.mined)
            let next = await change(w) { try WithdrawalLifecycle.confirm($0, receipt: receipt, now: now) }
            if next != nil {
                metrics.confirmed.increment()
                if let approved = w.approvedAt { metrics.approvalToConfirmation.record(Double(now - approved)) }
                logger.info(
                    "withdrawal confirmed",
                    metadata: [
                        "withdrawal.id": "\(w.id)", "chain.tx": "\(receipt.hash)",
                        "chain.block": "\(receipt.blockNumber)",
                    ])
            }
            return next
        case .fail(let reason, let receipt):
            logger.error(
                "withdrawal failed; hold released", metadata: ["withdrawal.id": "\(w.id)", "reason": "\(reason)"])
            metrics.failed.increment()
            return await change(w) { try WithdrawalLifecycle.fail($0, reason: reason, receipt: receipt, now: now) }
        }
    }

    /// Reserves the next nonces, signs and stores, in one database transaction.
    func sign(_ ids: [String], plans: [String: (gasLimit: UInt64, fees: WithdrawalSending.Fees)], now: Int64) async
        -> [Withdrawal]
    {
        guard !ids.isEmpty else { return [] }
        let (wallet, checkpoint) = (wallet, checkpoint)
        do {
            let signed = try await store.signWithdrawals(
                ids: ids, chainID: settings.chainID, hotWallet: wallet.address
            ) { w, nonce in
                guard w.status == .approved, let plan = plans[w.id] else { return nil }
                checkpoint(.nonceReserved)
                let attempt = try wallet.sign(w, nonce: nonce, gasLimit: plan.gasLimit, fees: plan.fees, at: now)
                return try WithdrawalLifecycle.signed(
                    w, attempt: attempt, nonce: nonce, hotWallet: wallet.address, now: now)
            }
            checkpoint(.signed)
            for w in signed {
                logger.info(
                    "withdrawal signed",
                    metadata: [
                        "withdrawal.id": "\(w.id)", "payout.nonce": "\(w.nonce ?? 0)",
                        "chain.tx": "\(w.latestAttempt?.hash.description ?? "")",
                    ])
            }
            return signed
        } catch {
            storeFailed(error, "could not sign and store \(ids.count) withdrawals")
            return []
        }
    }

    /// Sends a stored transaction; true when the node has it (or the nonce is already
    /// used, which the receipts will explain). A refusal flags the withdrawal.
    func send(_ w: Withdrawal, _ attempt: WithdrawalAttempt, facts: WithdrawalSending.Facts) async -> Bool {
        do {
            _ = try await rpc.sendRawTransaction(attempt.raw)
            return true
        } catch {
            switch error.sendRefusal {
            case .alreadyKnown?:
                return true
            case .nonceTooLow?:
                logger.notice("node says the nonce is used; following receipts", metadata: ["withdrawal.id": "\(w.id)"])
                return true
            case .insufficientFunds?:
                _ = await perform(
                    .flag("the hot wallet cannot pay this transaction's gas; fund it with the native token"), on: w,
                    facts: facts)
            case .replacementUnderpriced?, .underpriced?:
                _ = await perform(.flag("the node refused the fees: \(error)"), on: w, facts: facts)
            case nil where error.classification == .retryable:
                rpcFailed(error, "could not broadcast")
            case nil:
                _ = await perform(.flag("the node refused the transaction: \(error)"), on: w, facts: facts)
            }
            return false
        }
    }

    /// Stores `decide`'s decision on the withdrawal as it is now; nil (logged) when the
    /// store or the decision refuses.
    func change(_ w: Withdrawal, _ decide: @escaping @Sendable (Withdrawal) throws -> WithdrawalDecision) async
        -> Withdrawal?
    {
        do {
            return try await store.changeWithdrawal(id: w.id, decide)
        } catch {
            storeFailed(error, "could not record a step of withdrawal \(w.id)")
            return nil
        }
    }

    /// The node's pending nonce wins when it is ahead of ours (someone else used the hot
    /// wallet); ours wins when it is ahead (stored transactions the node does not know),
    /// and those are sent again now.
    func reconcile() async -> Bool {
        do {
            let chainNonce = try await rpc.transactionCount(wallet.address, at: .pending)
            let next = try await store.reconcileNonce(
                chainID: settings.chainID, hotWallet: wallet.address, chainNonce: chainNonce)
            if next != chainNonce {
                logger.notice(
                    "hot wallet nonce reconciled",
                    metadata: ["payout.node_nonce": "\(chainNonce)", "payout.next_nonce": "\(next)"])
            }
            let stored = try await store.withdrawals(
                statuses: [.signed, .broadcast], chainID: settings.chainID, limit: 10_000)
            for w in stored.sorted(by: { ($0.nonce ?? 0) < ($1.nonce ?? 0) })
            where (w.nonce ?? 0) >= chainNonce && w.hotWallet == wallet.address {
                guard let attempt = w.latestAttempt else { continue }
                logger.notice("re-sending a stored transaction", metadata: ["withdrawal.id": "\(w.id)"])
                if await send(w, attempt, facts: WithdrawalSending.Facts(now: clock.epochSeconds)) {
                    _ = await change(w) { WithdrawalLifecycle.broadcast($0, now: self.clock.epochSeconds) }
                }
            }
            return true
        } catch let error as RPCError {
            rpcFailed(error, "could not reconcile the hot wallet's nonce")
            return false
        } catch {
            storeFailed(error, "could not reconcile the hot wallet's nonce")
            return false
        }
    }

    /// Head, balances, the confirmed nonce count and fee suggestions; what cannot be read
    /// stays nil and the machine waits on it.
    func chainFacts() async -> WithdrawalSending.Facts {
        var facts = WithdrawalSending.Facts(now: clock.epochSeconds)
        do {
            let head = try await rpc.blockNumber()
            facts.head = head
            status.head = head
            let depth = UInt64(settings.policy.confirmations)
            facts.confirmedNonceCount = try await rpc.transactionCount(
                wallet.address, at: .number(head + 1 >= depth ? head + 1 - depth : 0))
            let usdc = try USDC(baseUnits: try await rpc.tokenBalance(settings.token, of: wallet.address))
            let native = try await rpc.balance(of: wallet.address)
            status.usdc = usdc
            status.native = native
            facts.spendableUSDC = usdc
            facts.nativeBalance = native
            let tip = try await rpc.maxPriorityFeePerGas()
            let base = try await rpc.nextBaseFee() ?? 0
            facts.suggestedFees = WithdrawalSending.fees(baseFee: base, suggestedTip: tip, policy: settings.policy)
        } catch let error as RPCError {
            rpcFailed(error, "could not read the chain's state")
        } catch {
            logger.warning("hot wallet balance out of range", metadata: ["error": "\(error)"])
        }
        return facts
    }

    /// Receipts of `w`'s transactions that have mined, and whether the node answered for
    /// every one of them.
    func receipts(of w: Withdrawal) async -> (found: [Hash32: WithdrawalSending.Receipt], complete: Bool) {
        do {
            return (try await rpc.receipts(of: w.attempts.map(\.hash)), true)
        } catch {
            rpcFailed(error, "could not read receipts")
            return ([:], false)
        }
    }

    func rpcFailed(_ error: RPCError, _ message: String) {
        metrics.rpcErrors.increment()
        logger.warning("\(message); retrying next tick", metadata: ["rpc.error": "\(error)"])
    }

    func storeFailed(_ error: any Error, _ message: String) {
        metrics.storeErrors.increment()
        logger.warning("\(message)", metadata: ["error": "\(error)"])
    }
}

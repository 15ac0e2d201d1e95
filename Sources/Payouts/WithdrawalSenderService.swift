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
        status.problems = []
        let inFlight = withdrawals.filter(\.status.isInFlight).sorted { ($0.nonce ?? 0) < ($1.nonce ?? 0) }
        // USDC that transactions sent but not yet mined will take from the hot wallet.
        var committed: Int64 = 0
        for w in inFlight {
            facts.receipts = await receipts(of: w)
            if facts.receipts.isEmpty { committed += w.amount.micro }
            await advance(w, facts: facts)
        }
        let approved = withdrawals.filter { $0.status == .approved }
            .sorted { ($0.approvedAt ?? 0, $0.id) < ($1.approvedAt ?? 0, $1.id) }
        for w in approved {
            facts.receipts = [:]
            facts.spendableUSDC = status.usdc.map { USDC(micro: $0.micro - committed) }
            if await advance(w, facts: facts) { committed += w.amount.micro }
        }
        status.lastTickAt = clock.epochSeconds
        board.publish(status)
        metrics.record(status)
        do { metrics.record(try await store.withdrawalCounts(chainID: settings.chainID)) } catch {
            storeFailed(error, "could not count withdrawals")
        }
    }

    /// Runs `w`'s steps until it must wait; true when it was signed on the way.
    @discardableResult
    func advance(_ w: Withdrawal, facts: WithdrawalSending.Facts) async -> Bool {
        var current = w
        var signed = false
        var facts = facts
        for _ in 0..<6 {
            facts.now = clock.epochSeconds
            let step = WithdrawalSending.next(current, facts: facts, policy: settings.policy)
            guard let next = await perform(step, on: current, facts: facts) else { return signed }
            if current.status == .approved && next.status == .signed { signed = true }
            current = next
        }
        return signed
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
            _ = await change(w) { try WithdrawalLifecycle.flagged($0, text, now: now) }
            return nil
        case .voidApprovals:
            logger.warning("approvals no longer match the withdrawal; voided", metadata: ["withdrawal.id": "\(w.id)"])
            _ = await change(w) { WithdrawalLifecycle.voidApprovals($0, now: now) }
            return nil
        case .estimate:
            do {
                let data = try ERC20.transferCallData(to: w.destination, amount: try w.amount.baseUnits())
                let gas = try await rpc.estimateGas(from: wallet.address, to: w.token, data: data)
                let next = WithdrawalSending.sign(w, gasEstimate: gas, facts: facts, policy: settings.policy)
                return await perform(next, on: w, facts: facts)
            } catch let error as RPCError where error.classification == .retryable {
                rpcFailed(error, "could not estimate gas")
                return nil
            } catch {
                return await perform(.flag("the node's gas estimate failed: \(error)"), on: w, facts: facts)
            }
        case .sign(let gasLimit, let fees):
            return await sign(w, gasLimit: gasLimit, fees: fees, now: now)
        case .broadcast(let attempt):
            return await broadcast(w, attempt, facts: facts)
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
            if let next {
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

    /// Reserves the next nonce, signs and stores, in one database transaction.
    func sign(_ w: Withdrawal, gasLimit: UInt64, fees: WithdrawalSending.Fees, now: Int64) async -> Withdrawal? {
        let (wallet, checkpoint) = (wallet, checkpoint)
        do {
            let next = try await store.signWithdrawal(id: w.id, hotWallet: wallet.address) { nonce in
                checkpoint(.nonceReserved)
                return try wallet.sign(w, nonce: nonce, gasLimit: gasLimit, fees: fees, at: now)
            } _: { current, attempt, nonce in
                try WithdrawalLifecycle.signed(
                    current, attempt: attempt, nonce: nonce, hotWallet: wallet.address, now: now)
            }
            checkpoint(.signed)
            logger.info(
                "withdrawal signed",
                metadata: [
                    "withdrawal.id": "\(w.id)", "payout.nonce": "\(next.nonce ?? 0)",
                    "chain.tx": "\(next.latestAttempt?.hash.description ?? "")",
                ])
            return next
        } catch {
            storeFailed(error, "could not sign and store withdrawal \(w.id)")
            return nil
        }
    }

    /// Sends a stored transaction and records that the node has it.
    func broadcast(_ w: Withdrawal, _ attempt: WithdrawalAttempt, facts: WithdrawalSending.Facts) async -> Withdrawal? {
        let now = facts.now
        do {
            _ = try await rpc.sendRawTransaction(attempt.raw)
        } catch {
            switch error.sendRefusal {
            case .alreadyKnown?:
                break
            case .nonceTooLow?:
                // Mined already (ours before a crash, or another); the receipts will tell.
                logger.notice("node says the nonce is used; following receipts", metadata: ["withdrawal.id": "\(w.id)"])
            case .insufficientFunds?:
                return await perform(
                    .flag("the hot wallet cannot pay this transaction's gas; fund it with the native token"), on: w,
                    facts: facts)
            case .replacementUnderpriced?, .underpriced?:
                return await perform(.flag("the node refused the fees: \(error)"), on: w, facts: facts)
            case nil:
                if error.classification == .retryable {
                    rpcFailed(error, "could not broadcast")
                    return nil
                }
                return await perform(.flag("the node refused the transaction: \(error)"), on: w, facts: facts)
            }
        }
        checkpoint(.broadcast)
        return await change(w) { WithdrawalLifecycle.broadcast($0, now: now) }
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
                _ = await broadcast(w, attempt, facts: WithdrawalSending.Facts(now: clock.epochSeconds))
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

    /// Receipts of `w`'s transactions that have mined.
    func receipts(of w: Withdrawal) async -> [Hash32: WithdrawalSending.Receipt] {
        var found: [Hash32: WithdrawalSending.Receipt] = [:]
        for attempt in w.attempts {
            do {
                guard let r = try await rpc.transactionReceipt(attempt.hash) else { continue }
                found[attempt.hash] = WithdrawalSending.Receipt(
                    hash: r.transactionHash, blockNumber: r.blockNumber, succeeded: r.succeeded, gasUsed: r.gasUsed,
                    effectiveGasPrice: r.effectiveGasPrice)
            } catch {
                rpcFailed(error, "could not read a receipt")
            }
        }
        return found
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

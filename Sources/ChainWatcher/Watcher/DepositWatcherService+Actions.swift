import Brokerage
import Ethereum
import Logging

extension DepositWatcherService {
    /// Performs one action and returns what the machine says to do next. Failures
    /// become observations; nothing here throws.
    func perform(_ action: DepositWatcherStateMachine.Action) async -> [DepositWatcherStateMachine.Action] {
        switch action {
        case .fetchHead:
            do throws(ChainReadError) {
                return feed(.head(try await reader.head()))
            } catch {
                return readFailed(error, "head")
            }
        case .fetchHeaders(let heights):
            do throws(ChainReadError) {
                return feed(.headers(try await reader.headers(at: heights)))
            } catch {
                return readFailed(error, "headers")
            }
        case .fetchLogs(let from, let through):
            return await fetchLogs(from: from, through: through)
        case .credit(let deposits, let cursor):
            return await credit(deposits, advancingCursorTo: cursor)
        case .updatePending(let pending, let head):
            do {
                try await ledger.recordPending(pending, head: head, chainID: settings.chainID)
            } catch {
                storeFailed(error, "could not record pending deposits")
            }
            return []
        case .raiseIncident(let incident):
            metrics.reorgs.increment()
            metrics.incidents.increment()
            logger.error(
                "reorg reached credited blocks; crediting on this chain is stopped",
                metadata: ["chain.block": "\(incident.height)", "watcher.incident": "\(incident)"])
            do {
                try await ledger.recordIncident(incident)
            } catch {
                unrecordedIncident = incident
                storeFailed(error, "could not record the incident; retrying while halted")
            }
            return []
        case .report(let event):
            report(event)
            return []
        case .waitForNextPoll:
            return []
        }
    }

    /// Fetches one chunk, sized by the range sizer, never past `through`.
    private func fetchLogs(from: UInt64, through: UInt64) async -> [DepositWatcherStateMachine.Action] {
        let span = max(1, await rangeSizer.nextSpan())
        let end = through - from >= span ? from + span - 1 : through
        let filter = TransferFilter(contract: settings.usdc, recipient: settings.depositAddress)
        do throws(ChainReadError) {
            let logs = try await reader.transferLogs(filter, in: from...end)
            await rangeSizer.recordSuccess(span: end - from + 1)
            return feed(.logs(from...end, logs))
        } catch .rangeRefused(let suggested) {
            logger.debug("log range refused; shrinking", metadata: ["chain.from": "\(from)", "chain.to": "\(end)"])
            await rangeSizer.recordRefusal(span: end - from + 1, suggested: suggested)
            return feed(.failed(.rangeRefused))
        } catch {
            return readFailed(error, "logs")
        }
    }

    /// Credits a chunk and moves the cursor in one ledger call; logs each new deposit.
    private func credit(_ deposits: [Deposit], advancingCursorTo cursor: BlockRef) async -> [DepositWatcherStateMachine
        .Action]
    {
        do {
            let fresh = try await ledger.creditDeposits(deposits, advancingCursorTo: cursor, chainID: settings.chainID)
            for deposit in fresh {
                metrics.credits.increment()
                metrics.creditedMicroUSDC.increment(by: deposit.amount.micro)
                logger.info(
                    "deposit credited",
                    metadata: [
                        "chain.block": "\(deposit.block.number)", "chain.tx": "\(deposit.key.transactionHash)",
                        "chain.log_index": "\(deposit.key.logIndex)", "deposit.from": "\(deposit.from)",
                        "deposit.amount": "\(deposit.amount)",
                    ])
            }
            if !fresh.isEmpty { lastCreditAt = clock.now }
            return feed(.creditCommitted(cursor))
        } catch {
            storeFailed(error, "could not credit deposits; retrying next poll")
            return feed(.failed(.storeUnavailable))
        }
    }

    private func readFailed(_ error: ChainReadError, _ what: String) -> [DepositWatcherStateMachine.Action] {
        metrics.rpcErrors.increment()
        logger.warning(
            "chain read failed; retrying next poll", metadata: ["watcher.read": "\(what)", "watcher.error": "\(error)"])
        return feed(.failed(.unavailable))
    }

    private func storeFailed(_ error: any Error, _ message: Logger.Message) {
        metrics.storeErrors.increment()
        logger.warning(message, metadata: ["watcher.error": "\(error)"])
    }

    /// Logs and counts what the machine noticed.
    private func report(_ event: WatcherEvent) {
        switch event {
        case .reorg(let notice):
            metrics.reorgs.increment()
            logger.warning(
                "reorg inside the unconfirmed window; pending deposits refreshed",
                metadata: [
                    "chain.block": "\(notice.height)", "watcher.depth": "\(notice.depth)",
                    "watcher.expected": "\(notice.expected)", "watcher.found": "\(notice.found)",
                ])
        case .blockHashMismatch(let height, let logBlockHash, let canonical):
            metrics.inconsistentReads.increment()
            logger.warning(
                "log block hash is not canonical (lagging or forked node); nothing credited, retrying next poll",
                metadata: [
                    "chain.block": "\(height)", "watcher.log_hash": "\(logBlockHash)",
                    "watcher.canonical": "\(canonical)",
                ])
        case .brokenParentLink(let height):
            metrics.inconsistentReads.increment()
            logger.warning(
                "headers from the node do not link by parent hash; retrying next poll",
                metadata: ["chain.block": "\(height)"])
        case .missingHeaders(let heights):
            metrics.inconsistentReads.increment()
            logger.warning(
                "the node lacks headers (it is behind); retrying next poll", metadata: ["chain.blocks": "\(heights)"])
        case .logsMissing(let height):
            metrics.inconsistentReads.increment()
            logger.warning(
                "the block's bloom says it may hold a deposit but the node returned no logs for it (node behind); retrying next poll",
                metadata: ["chain.block": "\(height)"])
        case .nodeBehind(let head, let needed):
            metrics.inconsistentReads.increment()
            logger.warning(
                "the node's head is below the block the watcher needs (node behind); retrying next poll",
                metadata: ["chain.head": "\(head)", "chain.block": "\(needed)"])
        case .discarded(let log):
            metrics.discarded(log.reason)
            let metadata: Logger.Metadata = [
                "chain.block": "\(log.blockNumber)", "chain.tx": "\(log.transactionHash)",
                "chain.log_index": "\(log.logIndex)",
                "watcher.reason": "\(log.reason)",
            ]
            if case .foreignContract = log.reason {
                logger.debug("ignored a Transfer log from another contract", metadata: metadata)
            } else {
                logger.warning("ignored a log that is not a valid deposit", metadata: metadata)
            }
        case .unexpected(let what):
            logger.error("watcher loop out of step; poll abandoned", metadata: ["watcher.detail": "\(what)"])
        }
    }
}

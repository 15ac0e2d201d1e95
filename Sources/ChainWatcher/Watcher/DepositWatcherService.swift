import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Timekeeping

/// Runs one chain's ``DepositWatcherStateMachine`` against a ``ChainReader`` and a
/// ``DepositLedger``: every poll interval it feeds the machine and performs its actions.
///
/// A swift-service-lifecycle `Service`: the server adds one per configured chain to its
/// service group. Node and store failures are logged and counted and the poll is retried
/// on the next tick; nothing is thrown out of `run()`, so one flaky RPC endpoint never
/// stops the server. Graceful shutdown ends the loop and cancels a poll in flight (the
/// ledger's credit is one transaction, so a cancelled poll leaves nothing half-written).
public actor DepositWatcherService: Service {
    /// What this watcher watches.
    public nonisolated let settings: DepositWatchSettings
    /// Where this watcher publishes its ``WatcherStatus`` after every poll.
    public nonisolated let board: WatcherStatusBoard
    let reader: any ChainReader
    let ledger: any DepositLedger
    let rangeSizer: any LogRangeSizing
    let pollInterval: Duration
    let clock: any TimeSource
    let logger: Logger
    let metrics: WatcherMetrics
    var machine: DepositWatcherStateMachine?
    /// An incident the ledger failed to store; retried before anything else.
    var unrecordedIncident: ReorgIncident?
    var lastCreditAt: Date?
    var lastPollAt: Date?
    var polling = false

    /// - Parameters:
    ///   - clock: waits between polls and stamps the status; tests inject a manual one.
    ///   - metricsFactory: where the counters and gauges go (the global system by default).
    public init(
        settings: DepositWatchSettings, reader: any ChainReader, ledger: any DepositLedger,
        pollInterval: Duration = .seconds(12), rangeSizer: any LogRangeSizing = AdaptiveLogRange(),
        board: WatcherStatusBoard = WatcherStatusBoard(),
        clock: any TimeSource = SystemTimeSource(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        logger: Logger = Logger(label: "gp4u.watcher")
    ) {
        self.settings = settings
        self.reader = reader
        self.ledger = ledger
        self.pollInterval = pollInterval
        self.rangeSizer = rangeSizer
        self.board = board
        self.clock = clock
        self.metrics = WatcherMetrics(chainID: settings.chainID, factory: metricsFactory)
        var logger = logger
        logger[metadataKey: "chain.id"] = "\(settings.chainID)"
        self.logger = logger
    }

    /// This chain's latest status (a placeholder before the first poll).
    public nonisolated var status: WatcherStatus {
        board.status(chainID: settings.chainID)
            ?? WatcherStatus(chainID: settings.chainID, confirmations: settings.confirmations)
    }

    /// Polls until graceful shutdown (or cancellation); never throws for a node or store failure.
    public func run() async throws {
        logger.info("deposit watcher started", metadata: ["chain.confirmations": "\(settings.confirmations)"])
        for try await _ in Ticks(every: pollInterval, clock: clock).cancelOnGracefulShutdown() {
            await cancelWhenGracefulShutdown { await self.pollOnce() }
        }
        logger.info("deposit watcher stopped")
    }

    /// One complete poll: load state if needed, resume if an operator resolved the
    /// incident, otherwise scan; then publish the status. Used by `run()` and by tests.
    public func pollOnce() async {
        guard !polling else { return }
        polling = true
        defer { polling = false }
        guard await prepare(), let machine else { return }
        var actions: [DepositWatcherStateMachine.Action]
        if machine.isHalted {
            guard await operatorResolvedIncident() else { return publishStatus() }
            logger.notice("incident resolved by an operator; re-anchoring on the canonical chain")
            actions = feed(.resume)
        } else {
            actions = feed(.pollDue)
        }
        var index = 0
        while index < actions.count {
            let action = actions[index]
            index += 1
            if case .waitForNextPoll = action { break }
            actions += await perform(action)
        }
        publishStatus()
    }

    /// Loads the cursor and any open incident once; false while the ledger is down.
    func prepare() async -> Bool {
        if machine != nil { return true }
        do {
            let cursor = try await ledger.loadCursor(chainID: settings.chainID)
            let incident = try await ledger.openIncident(chainID: settings.chainID)
            machine = DepositWatcherStateMachine(settings: settings, cursor: cursor, incident: incident)
            if let incident {
                logger.error("chain is halted by an open incident", metadata: ["watcher.incident": "\(incident)"])
            }
            return true
        } catch {
            metrics.storeErrors.increment()
            logger.warning(
                "could not load the watcher cursor; retrying next poll", metadata: ["watcher.error": "\(error)"])
            return false
        }
    }

    /// While halted: stores an incident the ledger missed, else asks whether it is gone.
    func operatorResolvedIncident() async -> Bool {
        do {
            if let incident = unrecordedIncident {
                try await ledger.recordIncident(incident)
                unrecordedIncident = nil
                return false
            }
            return try await ledger.openIncident(chainID: settings.chainID) == nil
        } catch {
            metrics.storeErrors.increment()
            logger.warning(
                "could not read the chain's incident; staying halted", metadata: ["watcher.error": "\(error)"])
            return false
        }
    }

    func feed(_ observation: DepositWatcherStateMachine.Observation) -> [DepositWatcherStateMachine.Action] {
        machine?.handle(observation) ?? []
    }

    func publishStatus() {
        guard let machine else { return }
        lastPollAt = clock.now
        var status = WatcherStatus(chainID: settings.chainID, confirmations: settings.confirmations)
        status.head = machine.head
        status.cursor = machine.cursor
        status.pendingCount = machine.pendingCount
        status.incident = machine.incident
        status.lastPollAt = lastPollAt
        status.lastCreditAt = lastCreditAt
        status.backfillFrom = machine.backfillStart
        board.publish(status)
        metrics.record(status)
        logger.debug(
            "poll finished",
            metadata: [
                "chain.head": "\(status.head?.number.description ?? "-")",
                "chain.cursor": "\(status.cursor?.number.description ?? "-")",
                "watcher.pending": "\(status.pendingCount)",
            ])
    }
}

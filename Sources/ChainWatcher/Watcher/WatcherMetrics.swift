import Metrics

/// The watcher's swift-metrics instruments, all with a `chain_id` dimension so one
/// dashboard shows every chain. Made from an injected factory so tests can read them.
struct WatcherMetrics: Sendable {
    let credits: Counter
    let creditedMicroUSDC: Counter
    let rpcErrors: Counter
    let storeErrors: Counter
    let reorgs: Counter
    let incidents: Counter
    let inconsistentReads: Counter
    let head: Gauge
    let cursor: Gauge
    let lag: Gauge
    let pending: Gauge
    let halted: Gauge
    private let chainID: String
    private let factory: any MetricsFactory

    init(chainID: Int, factory: any MetricsFactory) {
        let chain = String(chainID)
        let dimensions = [("chain_id", chain)]
        self.chainID = chain
        self.factory = factory
        credits = Counter(label: "gp4u_watcher_credits_total", dimensions: dimensions, factory: factory)
        creditedMicroUSDC = Counter(
            label: "gp4u_watcher_credited_micro_usdc_total", dimensions: dimensions, factory: factory)
        rpcErrors = Counter(label: "gp4u_watcher_rpc_errors_total", dimensions: dimensions, factory: factory)
        storeErrors = Counter(label: "gp4u_watcher_store_errors_total", dimensions: dimensions, factory: factory)
        reorgs = Counter(label: "gp4u_watcher_reorgs_total", dimensions: dimensions, factory: factory)
        incidents = Counter(label: "gp4u_watcher_incidents_total", dimensions: dimensions, factory: factory)
        inconsistentReads = Counter(
            label: "gp4u_watcher_inconsistent_reads_total", dimensions: dimensions, factory: factory)
        head = Gauge(label: "gp4u_watcher_head_block", dimensions: dimensions, factory: factory)
        cursor = Gauge(label: "gp4u_watcher_cursor_block", dimensions: dimensions, factory: factory)
        lag = Gauge(label: "gp4u_watcher_lag_blocks", dimensions: dimensions, factory: factory)
        pending = Gauge(label: "gp4u_watcher_pending_deposits", dimensions: dimensions, factory: factory)
        halted = Gauge(label: "gp4u_watcher_halted", dimensions: dimensions, factory: factory)
    }

    /// Counts a refused log under its reason.
    func discarded(_ reason: DiscardedLog.Reason) {
        Counter(
            label: "gp4u_watcher_discarded_logs_total", dimensions: [("chain_id", chainID), ("reason", reason.label)],
            factory: factory
        ).increment()
    }

    /// Mirrors a status snapshot into the gauges.
    func record(_ status: WatcherStatus) {
        if let block = status.head?.number { head.record(Int64(clamping: block)) }
        if let block = status.cursor?.number { cursor.record(Int64(clamping: block)) }
        if let blocks = status.lag { lag.record(Int64(clamping: blocks)) }
        pending.record(status.pendingCount)
        halted.record(status.isHalted ? 1 : 0)
    }
}

import Brokerage
import Ethereum

/// The deposit watcher of one chain as a pure state machine: `(state, observation) ->
/// [action]`, in the style of postgres-nio's connection state machines.
///
/// It performs no I/O and reads no clock, so every rule (confirmation depth, chunked
/// scans that never skip a block, block-hash cross-checks, reorg handling, the halt on a
/// reorg that reaches credited blocks) is tested as a transition table. The loop that
/// performs the actions is ``DepositWatcherService``.
///
/// One poll runs: fetch the head; fetch the remembered heights and the cursor and
/// compare their hashes (a change at or below the cursor halts, above it only refreshes
/// pending); scan `[cursor+1, head - confirmations + 1]` in chunks, verifying each log's
/// block hash and crediting each chunk together with the cursor move; then scan the
/// unconfirmed blocks up to the head and report them as pending.
public struct DepositWatcherStateMachine: Sendable {
    /// What the loop learned from the chain, the ledger or the operator.
    public enum Observation: Sendable, Hashable {
        /// The poll interval elapsed. Starts a poll (abandoning one left unfinished).
        case pollDue
        /// Answer to ``Action/fetchHead``.
        case head(BlockHeader)
        /// Answer to ``Action/fetchHeaders(_:)``: the headers the node had, any order.
        case headers([BlockHeader])
        /// Answer to ``Action/fetchLogs(from:through:)``: the range actually fetched,
        /// which starts at `from` and may stop before `through` (the loop's range sizer
        /// decides the chunk size), and the logs it held.
        case logs(ClosedRange<UInt64>, [EventLog])
        /// An action could not be performed.
        case failed(Failure)
        /// The ledger committed the credit and moved the cursor to this block.
        case creditCommitted(BlockRef)
        /// An operator resolved the incident (`gp4u chain resume`): re-anchor and go on.
        case resume
    }

    /// Why an action failed, as far as the machine cares.
    public enum Failure: Sendable, Hashable {
        /// The node refused the log range as too wide; the loop has shrunk its chunk size.
        case rangeRefused
        /// The node or network failed (timeouts, 429, 5xx, JSON-RPC errors).
        case unavailable
        /// The ledger could not commit; the credit is retried (it is idempotent).
        case storeUnavailable
    }

    /// What the loop must do next, in order.
    public enum Action: Sendable, Equatable {
        case fetchHead
        /// Canonical headers at these heights, ascending, in one batch.
        case fetchHeaders([UInt64])
        /// USDC Transfer logs to the deposit address from `from`; the loop may stop the
        /// chunk before `through`.
        case fetchLogs(from: UInt64, through: UInt64)
        /// One atomic ledger call: credit these deposits (idempotently, by key) and move
        /// the cursor to the block, in the same database transaction.
        case credit([Deposit], advancingCursorTo: BlockRef)
        /// Replace the chain's pending deposits, as seen at `head`.
        case updatePending([PendingDeposit], head: BlockRef)
        /// Record the incident, log it at error level; the machine is now halted.
        case raiseIncident(ReorgIncident)
        /// Log and count; changes nothing stored.
        case report(WatcherEvent)
        /// The poll is over; sleep until the next one.
        case waitForNextPoll
    }

    /// What this machine watches.
    public let settings: DepositWatchSettings
    /// The credited cursor: every deposit at or below it has been credited.
    public internal(set) var cursor: BlockRef?
    /// The head seen by the last complete poll.
    public internal(set) var head: BlockRef?
    /// The incident that halted this chain, if any.
    public internal(set) var incident: ReorgIncident?
    /// Pending deposits reported by the last complete poll.
    public internal(set) var pendingCount = 0
    /// The cursor height when this machine started, for backfill progress.
    public internal(set) var backfillStart: UInt64?
    /// Hashes of recent blocks, checked every poll.
    public internal(set) var remembered: [UInt64: Hash32] = [:]
    var state: State
    /// Blocks whose bloom contradicted an empty log answer, with the head at the first doubt.
    var bloomDoubts: [UInt64: UInt64] = [:]

    /// Starts from the stored cursor (nil at first start) and the chain's open incident.
    public init(settings: DepositWatchSettings, cursor: BlockRef?, incident: ReorgIncident? = nil) {
        self.settings = settings
        self.cursor = cursor
        self.incident = incident
        self.backfillStart = cursor?.number
        self.state = incident == nil ? .idle : .halted
    }

    /// Whether crediting is stopped by an incident.
    public var isHalted: Bool { incident != nil }

    /// Whether a poll is between its first action and ``Action/waitForNextPoll``.
    public var isPolling: Bool {
        switch state {
        case .idle, .halted: false
        default: true
        }
    }

    /// Feeds one observation and returns the actions it calls for.
    public mutating func handle(_ observation: Observation) -> [Action] {
        switch (state, observation) {
        case (.halted, .resume):
            return beginResume()
        case (.halted, .pollDue):
            return [.waitForNextPoll]
        case (.halted, _), (_, .resume):
            // Halted ignores the chain; resume only means something when halted.
            return []
        case (.resuming, .pollDue), (.crediting(.resume, _), .pollDue):
            // A resume left unfinished: stay halted until it is tried again.
            state = .halted
            return [.waitForNextPoll]
        case (_, .pollDue):
            state = .awaitingHead
            return [.fetchHead]
        case (.awaitingHead, .head(let header)):
            return receivedHead(header)
        case (.anchoring(let poll, let height), .headers(let headers)):
            return anchor(poll, at: height, headers: headers)
        case (.checkingWindow(var poll, let heights), .headers(let headers)):
            poll.learn(headers)
            return checkWindow(poll, requested: heights)
        case (.scanning(let poll, let scan), .logs(let range, let logs)):
            return receivedLogs(poll, scan, range: range, logs: logs)
        case (.scanning(var poll, let scan), .failed(.rangeRefused)):
            poll.rangeRefusals += 1
            guard poll.rangeRefusals <= settings.maxRangeRefusalsPerPoll else { return abandon() }
            state = .scanning(poll, scan)
            return [.fetchLogs(from: scan.next, through: scan.through)]
        case (.verifyingLogs(var poll, let scan, let range, let deposits, let needed), .headers(let headers)):
            poll.learn(headers)
            let missing = needed.filter { poll.canonical[$0] == nil }
            guard missing.isEmpty else { return abandon(.missingHeaders(missing)) }
            return verify(poll, scan, range: range, deposits: deposits)
        case (.crediting(let context, let target), .creditCommitted(let committed)):
            guard committed == target else {
                return abandon(.unexpected("credit committed \(committed), expected \(target)"))
            }
            return creditCommitted(committed, context: context)
        case (.resuming, .headers(let headers)):
            return reanchor(headers)
        case (.resuming, .failed), (.crediting(.resume, _), .failed):
            state = .halted
            return [.waitForNextPoll]
        case (_, .failed):
            return abandon()
        case (.idle, _):
            // A late answer after the poll was abandoned: nothing to do.
            return []
        default:
            return abandon(.unexpected("\(observation) while \(state.name)"))
        }
    }
}

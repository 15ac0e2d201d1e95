import Brokerage
import ChainWatcher
import Ethereum
import Testing

/// Drives the pure state machine through whole polls, answering each fetch from a
/// ``ChainModel`` as an honest node would and committing every credit, so tests state
/// outcomes (what was credited, what is pending) instead of long action lists.
struct MachineDriver {
    typealias Action = DepositWatcherStateMachine.Action
    var machine: DepositWatcherStateMachine
    /// Blocks per log request; the driver fetches `from...min(through, from+span-1)`.
    var span: UInt64 = .max
    /// Every deposit credited so far, in order, duplicates included.
    private(set) var credited: [Deposit] = []
    /// The last pending list the machine published.
    private(set) var pending: [PendingDeposit] = []
    /// Every log range fetched, in order.
    private(set) var fetchedRanges: [ClosedRange<UInt64>] = []

    init(_ settings: DepositWatchSettings, cursor: BlockRef?) {
        machine = DepositWatcherStateMachine(settings: settings, cursor: cursor)
    }

    /// Runs one poll (or a resume) to its end and returns the actions that are not
    /// fetches or credits (pending updates, reports, incidents, the final wait).
    @discardableResult
    mutating func poll(_ chain: ChainModel, starting: DepositWatcherStateMachine.Observation = .pollDue) -> [Action] {
        var queue = machine.handle(starting)
        var others: [Action] = []
        var steps = 0
        while !queue.isEmpty {
            steps += 1
            guard steps < 10_000 else {
                Issue.record("poll did not end")
                break
            }
            let action = queue.removeFirst()
            switch action {
            case .fetchHead:
                queue += machine.handle(.head(chain.head))
            case .fetchHeaders(let heights):
                queue += machine.handle(.headers(heights.compactMap { chain.header(at: $0) }))
            case .fetchLogs(let from, let through):
                let end = through - from >= span ? from + span - 1 : through
                fetchedRanges.append(from...end)
                queue += machine.handle(.logs(from...end, chain.logs(in: from...end, filter: ChainModel.filter)))
            case .credit(let deposits, let cursor):
                credited += deposits
                queue += machine.handle(.creditCommitted(cursor))
            case .updatePending(let list, _):
                pending = list
                others.append(action)
            case .raiseIncident, .report, .waitForNextPoll:
                others.append(action)
            }
        }
        return others
    }
}

import Ethereum
import Foundation

/// A snapshot of one chain's watcher for `gp4u chain status`, the ops routes and
/// health checks: how far it has credited, how far behind the head it is, and whether
/// an incident stopped it.
public struct WatcherStatus: Sendable, Hashable {
    /// How far a catch-up scan has come since the watcher started.
    public struct Backfill: Sendable, Hashable {
        /// The cursor when the watcher started (or re-anchored).
        public let from: UInt64
        /// The credited cursor now.
        public let cursor: UInt64
        /// The confirmed tip the scan is heading for.
        public let target: UInt64

        public init(from: UInt64, cursor: UInt64, target: UInt64) {
            self.from = from
            self.cursor = cursor
            self.target = target
        }

        /// Done share in `0...1`.
        public var fraction: Double {
            guard target > from else { return 1 }
            return Double(min(cursor, target) - min(from, cursor)) / Double(target - from)
        }
    }

    /// The watched chain.
    public let chainID: Int
    /// The head seen by the last complete poll.
    public var head: BlockRef?
    /// The credited cursor: every deposit at or below it is credited.
    public var cursor: BlockRef?
    /// Deposits seen but not yet deep enough.
    public var pendingCount = 0
    /// When the last poll ended (successful or not).
    public var lastPollAt: Date?
    /// When this process last credited a deposit.
    public var lastCreditAt: Date?
    /// The incident that stopped crediting, if any.
    public var incident: ReorgIncident?
    /// Confirmations required on this chain.
    public var confirmations: UInt64
    /// Where the current catch-up started.
    public var backfillFrom: UInt64?

    public init(chainID: Int, confirmations: UInt64) {
        self.chainID = chainID
        self.confirmations = confirmations
    }

    /// Blocks between the head and the cursor (including the unconfirmed ones).
    public var lag: UInt64? {
        guard let head, let cursor else { return nil }
        return head.number > cursor.number ? head.number - cursor.number : 0
    }

    /// Progress of a catch-up: nil once the cursor is within the confirmation depth.
    public var backfill: Backfill? {
        guard let head, let cursor, let from = backfillFrom else { return nil }
        let target = head.number + 1 >= confirmations ? head.number + 1 - confirmations : 0
        guard cursor.number < target else { return nil }
        return Backfill(from: from, cursor: cursor.number, target: target)
    }

    /// Whether crediting is stopped.
    public var isHalted: Bool { incident != nil }
}

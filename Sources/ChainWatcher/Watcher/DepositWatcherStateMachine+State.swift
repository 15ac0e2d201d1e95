import Brokerage
import Ethereum

extension DepositWatcherStateMachine {
    /// Where the machine is inside a poll. Each waiting state names the answer it needs.
    enum State: Sendable {
        case idle
        case awaitingHead
        /// First start: waiting for the header the cursor is anchored on.
        case anchoring(Poll, height: UInt64)
        /// Waiting for the remembered heights and the cursor, to detect reorgs.
        case checkingWindow(Poll, heights: [UInt64])
        /// Waiting for logs of the next chunk.
        case scanning(Poll, Scan)
        /// Waiting for the headers that verify a chunk's logs.
        case verifyingLogs(Poll, Scan, range: ClosedRange<UInt64>, deposits: [Deposit], needed: [UInt64])
        /// Waiting for the ledger to commit a credit (or a re-anchor).
        case crediting(CreditContext, target: BlockRef)
        case halted
        /// An operator resumed: waiting for the canonical header at the cursor.
        case resuming

        var name: String {
            switch self {
            case .idle: "idle"
            case .awaitingHead: "awaiting head"
            case .anchoring: "anchoring"
            case .checkingWindow: "checking the reorg window"
            case .scanning: "scanning"
            case .verifyingLogs: "verifying logs"
            case .crediting: "crediting"
            case .halted: "halted"
            case .resuming: "resuming"
            }
        }
    }

    /// Why a credit is in flight: a chunk of a poll's scan (or the first anchor), or the
    /// re-anchor after a resume.
    enum CreditContext: Sendable {
        case scan(Poll)
        case resume
    }

    /// What one poll knows: the head and the canonical headers fetched so far.
    struct Poll: Sendable {
        let head: BlockHeader
        var canonical: [UInt64: BlockHeader]
        var rangeRefusals = 0
        /// Confirmed chunks credited in this poll.
        var creditedChunks = 0

        init(head: BlockHeader) {
            self.head = head
            self.canonical = [head.number: head]
        }

        mutating func learn(_ headers: [BlockHeader]) {
            // Never replace the head: its height is what confirmations count from.
            for header in headers where header.number != head.number { canonical[header.number] = header }
        }

        /// The first height whose header does not link to the one below it, if any.
        var brokenParentLink: UInt64? {
            for (number, header) in canonical.sorted(by: { $0.key < $1.key }) where number > 0 {
                if let parent = canonical[number - 1], parent.hash != header.parentHash { return number }
            }
            return nil
        }
    }

    /// A scan over `[next, through]` in chunks: confirmed blocks are credited chunk by
    /// chunk; unconfirmed blocks are collected as pending.
    struct Scan: Sendable {
        enum Phase: Sendable { case confirmed, pending }
        let phase: Phase
        var next: UInt64
        let through: UInt64
        var pending: [PendingDeposit] = []
    }
}

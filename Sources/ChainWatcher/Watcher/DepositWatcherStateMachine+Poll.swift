import Brokerage
import Ethereum

extension DepositWatcherStateMachine {
    /// The head is known: anchor at first start, otherwise check the reorg window.
    mutating func receivedHead(_ header: BlockHeader) -> [Action] {
        let poll = Poll(head: header)
        guard let cursor else {
            // First start: scan from the configured block, or from the head itself.
            // Genesis holds no logs, so a start at 0 anchors on block 0 and scans from 1.
            let first = settings.startBlock ?? header.number
            let anchorHeight = first == 0 ? 0 : first - 1
            guard anchorHeight <= header.number else {
                return abandon(.nodeBehind(head: header.number, needed: anchorHeight))
            }
            if anchorHeight == header.number { return anchor(poll, at: anchorHeight, headers: []) }
            state = .anchoring(poll, height: anchorHeight)
            return [.fetchHeaders([anchorHeight])]
        }
        guard cursor.number <= header.number else {
            return abandon(.nodeBehind(head: header.number, needed: cursor.number))
        }
        var heights = Set(remembered.keys.filter { $0 < header.number })
        if cursor.number < header.number { heights.insert(cursor.number) }
        if heights.isEmpty { return checkWindow(poll, requested: []) }
        let sorted = heights.sorted()
        state = .checkingWindow(poll, heights: sorted)
        return [.fetchHeaders(sorted)]
    }

    /// First start: store the anchor as the cursor (an empty credit) so a restart
    /// continues from it instead of re-anchoring on a later head and skipping blocks.
    mutating func anchor(_ poll: Poll, at height: UInt64, headers: [BlockHeader]) -> [Action] {
        var poll = poll
        poll.learn(headers)
        guard let header = poll.canonical[height] else { return abandon(.missingHeaders([height])) }
        if backfillStart == nil { backfillStart = height }
        state = .crediting(.scan(poll), target: header.ref)
        return [.credit([], advancingCursorTo: header.ref)]
    }

    /// Compares remembered hashes (and the cursor's) with the canonical ones. A change
    /// at or below the cursor halts; a change above it only drops remembered hashes.
    mutating func checkWindow(_ poll: Poll, requested: [UInt64]) -> [Action] {
        guard let cursor else { return abandon(.unexpected("reorg check without a cursor")) }
        let missing = requested.filter { poll.canonical[$0] == nil }
        guard missing.isEmpty else { return abandon(.missingHeaders(missing)) }
        if let height = poll.brokenParentLink { return abandon(.brokenParentLink(height: height)) }

        var stored = remembered
        stored[cursor.number] = cursor.hash
        let changed = stored.keys.sorted().filter { height in
            guard let now = poll.canonical[height] else { return false }
            return now.hash != stored[height]
        }
        if let lowest = changed.first, let expected = stored[lowest], let found = poll.canonical[lowest]?.hash {
            if lowest <= cursor.number {
                let incident = ReorgIncident(
                    chainID: settings.chainID, height: lowest, expected: expected, found: found, cursor: cursor)
                self.incident = incident
                pendingCount = 0
                state = .halted
                return [.raiseIncident(incident), .updatePending([], head: poll.head.ref), .waitForNextPoll]
            }
            let top = stored.keys.max() ?? lowest
            let notice = ReorgNotice(height: lowest, depth: top - lowest + 1, expected: expected, found: found)
            remembered = remembered.filter { $0.key < lowest }
            return [.report(.reorg(notice))] + afterWindowCheck(poll)
        }
        return afterWindowCheck(poll)
    }

    private mutating func afterWindowCheck(_ poll: Poll) -> [Action] {
        remember(poll)
        return planScan(poll)
    }

    /// The next chunk to ask for: confirmed blocks first, then the unconfirmed ones.
    mutating func planScan(_ poll: Poll) -> [Action] {
        guard let cursor else { return abandon(.unexpected("scan without a cursor")) }
        let head = poll.head.number
        if let tip = settings.confirmedTip(head: head), cursor.number < tip {
            return scan(poll, Scan(phase: .confirmed, next: cursor.number + 1, through: tip))
        }
        if cursor.number < head {
            return scan(poll, Scan(phase: .pending, next: cursor.number + 1, through: head))
        }
        return finish(poll, pending: [])
    }

    private mutating func scan(_ poll: Poll, _ scan: Scan) -> [Action] {
        state = .scanning(poll, scan)
        return [.fetchLogs(from: scan.next, through: scan.through)]
    }

    /// Decodes a chunk's logs and asks for the headers that verify them: the heights
    /// holding deposits and, for a confirmed chunk, its last block (the new cursor).
    /// A pending chunk fetches every height, which keeps the reorg window dense.
    mutating func receivedLogs(_ poll: Poll, _ scan: Scan, range: ClosedRange<UInt64>, logs: [EventLog]) -> [Action] {
        guard range.lowerBound == scan.next, range.upperBound <= scan.through else {
            return abandon(.unexpected("logs for \(range), asked from \(scan.next) through \(scan.through)"))
        }
        let (deposits, discarded) = classify(logs, range: range)
        let reports = discarded.map { Action.report(.discarded($0)) }
        var needed = Set(deposits.map(\.block.number))
        switch scan.phase {
        case .confirmed: needed.insert(range.upperBound)
        case .pending: needed.formUnion(range)
        }
        let missing = needed.filter { poll.canonical[$0] == nil }.sorted()
        if missing.isEmpty { return reports + verify(poll, scan, range: range, deposits: deposits) }
        state = .verifyingLogs(poll, scan, range: range, deposits: deposits, needed: needed.sorted())
        return reports + [.fetchHeaders(missing)]
    }

    /// Cross-checks each deposit's block hash with the canonical one, then credits a
    /// confirmed chunk or collects a pending one. Any mismatch abandons the poll: the
    /// logs came from a node on another fork or behind, and must never be credited.
    mutating func verify(_ poll: Poll, _ scan: Scan, range: ClosedRange<UInt64>, deposits: [Deposit]) -> [Action] {
        if let height = poll.brokenParentLink { return abandon(.brokenParentLink(height: height)) }
        if let height = missingLogs(poll, range: range, deposits: deposits) {
            return abandon(.logsMissing(height: height))
        }
        for deposit in deposits {
            guard let canonical = poll.canonical[deposit.block.number] else {
                return abandon(.missingHeaders([deposit.block.number]))
            }
            guard canonical.hash == deposit.block.hash else {
                return abandon(
                    .blockHashMismatch(
                        height: deposit.block.number, logBlockHash: deposit.block.hash, canonical: canonical.hash))
            }
        }
        var scan = scan
        switch scan.phase {
        case .confirmed:
            guard let end = poll.canonical[range.upperBound] else {
                return abandon(.missingHeaders([range.upperBound]))
            }
            state = .crediting(.scan(poll), target: end.ref)
            return [.credit(deposits, advancingCursorTo: end.ref)]
        case .pending:
            let required = Int(clamping: settings.confirmations)
            scan.pending += deposits.map {
                PendingDeposit(
                    deposit: $0, confirmations: $0.confirmations(atHead: poll.head.number), required: required)
            }
            guard range.upperBound < scan.through else { return finish(poll, pending: scan.pending) }
            scan.next = range.upperBound + 1
            return self.scan(poll, scan)
        }
    }

    /// The ledger moved the cursor: continue with the next chunk or the pending scan.
    mutating func creditCommitted(_ block: BlockRef, context: CreditContext) -> [Action] {
        cursor = block
        switch context {
        case .scan(var poll):
            poll.creditedChunks += 1
            // Headers below the new cursor are verified and credited; keep only the
            // reorg window, so a long backfill does not grow the poll without bound.
            let floor = min(block.number, windowFloor(head: poll.head.number))
            poll.canonical = poll.canonical.filter { $0.key >= floor }
            if poll.creditedChunks >= settings.maxChunksPerPoll,
                let tip = settings.confirmedTip(head: poll.head.number),
                block.number < tip
            {
                // A long backfill yields between polls so status and metrics stay fresh.
                remember(poll)
                head = poll.head.ref
                state = .idle
                return [.waitForNextPoll]
            }
            return planScan(poll)
        case .resume:
            // Re-anchored on the canonical chain: forget the old fork and poll at once.
            incident = nil
            remembered = [:]
            backfillStart = block.number
            state = .awaitingHead
            return [.fetchHead]
        }
    }

    /// The poll is complete: publish pending deposits and remember the window.
    mutating func finish(_ poll: Poll, pending: [PendingDeposit]) -> [Action] {
        remember(poll)
        head = poll.head.ref
        pendingCount = pending.count
        state = .idle
        let ordered = pending.sorted {
            ($0.deposit.block.number, $0.deposit.key.logIndex) < ($1.deposit.block.number, $1.deposit.key.logIndex)
        }
        return [.updatePending(ordered, head: poll.head.ref), .waitForNextPoll]
    }

    /// The first block in `range` whose header's bloom says it may hold a deposit while
    /// the node returned none for it. A lagging node's gap closes as the head moves on;
    /// a bloom false positive (a transfer *from* the deposit address sets the same bits)
    /// never does, so a block is doubted only until the head has moved a reorg window
    /// past the first doubt, then the empty answer is believed.
    mutating func missingLogs(_ poll: Poll, range: ClosedRange<UInt64>, deposits: [Deposit]) -> UInt64? {
        let withDeposits = Set(deposits.map(\.block.number))
        for (height, header) in poll.canonical.sorted(by: { $0.key < $1.key })
        where range.contains(height) && !withDeposits.contains(height) {
            guard let bloom = header.logsBloom, settings.bloomMayHoldDeposit(bloom) else { continue }
            let firstDoubt = bloomDoubts[height] ?? poll.head.number
            if poll.head.number >= firstDoubt + settings.reorgWindow { continue }
            bloomDoubts = bloomDoubts.filter { $0.key >= range.lowerBound }
            bloomDoubts[height] = firstDoubt
            return height
        }
        return nil
    }

    /// Keeps the canonical hashes of the last `reorgWindow` blocks below the head.
    private mutating func remember(_ poll: Poll) {
        let head = poll.head.number
        let floor = windowFloor(head: head)
        for (number, header) in poll.canonical where number >= floor { remembered[number] = header.hash }
        remembered = remembered.filter { $0.key >= floor && $0.key <= head }
    }

    /// The lowest height of the reorg window below `head`.
    func windowFloor(head: UInt64) -> UInt64 {
        head >= settings.reorgWindow ? head - settings.reorgWindow + 1 : 0
    }

    /// Gives up on this poll; the next one starts over from the head. Nothing half-done
    /// is lost: the cursor only moves with a committed credit.
    mutating func abandon(_ event: WatcherEvent? = nil) -> [Action] {
        state = .idle
        return (event.map { [Action.report($0)] } ?? []) + [.waitForNextPoll]
    }

    /// An operator resumed a halted chain: fetch the canonical block at the cursor.
    mutating func beginResume() -> [Action] {
        guard let cursor = cursor ?? incident?.cursor else {
            incident = nil
            state = .idle
            return [.waitForNextPoll]
        }
        state = .resuming
        return [.fetchHeaders([cursor.number])]
    }

    /// Stores the canonical block at the cursor's height as the new cursor.
    mutating func reanchor(_ headers: [BlockHeader]) -> [Action] {
        guard let height = (cursor ?? incident?.cursor)?.number,
            let header = headers.first(where: { $0.number == height })
        else {
            state = .halted
            return [.waitForNextPoll]
        }
        state = .crediting(.resume, target: header.ref)
        return [.credit([], advancingCursorTo: header.ref)]
    }
}

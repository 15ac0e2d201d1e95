import Brokerage
import ChainWatcher
import Ethereum

/// A deterministic chain for tests: canonical blocks with their Transfer logs, reorgs
/// that replace the top blocks with new hashes, and the orphaned blocks kept so a
/// "lagging node" can answer from the old fork.
struct ChainModel: Sendable {
    /// A transfer waiting to be mined or mined in a block.
    struct Transfer: Sendable, Hashable {
        let tx: Hash32
        let micro: UInt64
        var emitter = WatcherFixtures.usdc
        var to = WatcherFixtures.depositAddress
    }

    struct Block: Sendable {
        let header: BlockHeader
        let transfers: [Transfer]

        func logs() -> [EventLog] {
            transfers.enumerated().map { index, t in
                WatcherFixtures.transferLog(
                    block: header.number, blockHash: header.hash, tx: t.tx, logIndex: UInt64(index), micro: t.micro,
                    emitter: t.emitter, to: t.to)
            }
        }
    }

    private(set) var blocks: [Block] = []
    /// Blocks replaced by reorgs, by height.
    private(set) var orphans: [UInt64: [Block]] = [:]
    private var nextHashID: UInt64 = 1
    private var nextTxID: UInt64 = 1

    /// A chain of `length` empty blocks (genesis is block 0).
    init(length: Int) {
        for _ in 0..<max(1, length) { mine() }
    }

    var head: BlockHeader { blocks[blocks.count - 1].header }

    /// A transfer with a fresh transaction hash.
    mutating func newTransfer(
        micro: UInt64, emitter: Address = WatcherFixtures.usdc, to: Address = WatcherFixtures.depositAddress
    ) -> Transfer {
        defer { nextTxID += 1 }
        return Transfer(tx: WatcherFixtures.hash(nextTxID, salt: 0x7A), micro: micro, emitter: emitter, to: to)
    }

    /// Appends a block holding these transfers.
    mutating func mine(_ transfers: [Transfer] = []) {
        let number = UInt64(blocks.count)
        let parent = blocks.last?.header.hash ?? WatcherFixtures.hash(0, salt: 0xFF)
        let header = BlockHeader(number: number, hash: WatcherFixtures.hash(nextHashID), parentHash: parent)
        nextHashID += 1
        blocks.append(Block(header: header, transfers: transfers))
    }

    /// Replaces the top `depth` blocks with `depth + extra` new ones; `reinclude` maps
    /// the dropped transfers to the new blocks' contents (index = new block offset).
    mutating func reorg(depth: Int, extra: Int = 0, reinclude: ([Transfer]) -> [[Transfer]] = { _ in [] }) {
        precondition(depth >= 1 && depth < blocks.count)
        let dropped = blocks.suffix(depth)
        for block in dropped { orphans[block.header.number, default: []].append(block) }
        blocks.removeLast(depth)
        let contents = reinclude(dropped.flatMap(\.transfers))
        for offset in 0..<(depth + extra) { mine(offset < contents.count ? contents[offset] : []) }
    }

    func header(at height: UInt64) -> BlockHeader? {
        height < blocks.count ? blocks[Int(height)].header : nil
    }

    /// What a node filtering on contract and recipient answers for the range.
    func logs(in range: ClosedRange<UInt64>, filter: TransferFilter) -> [EventLog] {
        range.clamped(to: 0...head.number).flatMap { blocks[Int($0)].logs() }.filter {
            $0.address == filter.contract && $0.topics.count == 3
                && Array($0.topics[2].bytes.suffix(20)) == filter.recipient.bytes
        }
    }

    /// Logs as a node still on the old fork would answer: orphaned blocks' logs where
    /// an orphan exists at that height.
    func staleLogs(in range: ClosedRange<UInt64>, filter: TransferFilter) -> [EventLog] {
        range.clamped(to: 0...head.number).flatMap { height in
            (orphans[height]?.last ?? blocks[Int(height)]).logs()
        }.filter { $0.address == filter.contract && Array($0.topics[2].bytes.suffix(20)) == filter.recipient.bytes }
    }

    /// Keys of the deposits on the canonical chain with at least `confirmations`.
    func confirmedDeposits(confirmations: UInt64) -> Set<DepositKey> {
        guard let tip = WatcherFixtures.settings(confirmations: confirmations).confirmedTip(head: head.number) else {
            return []
        }
        return Set(logs(in: 0...tip, filter: Self.filter).map { WatcherFixtures.deposit($0).key })
    }

    /// Confirmations of a deposit if its block is canonical, else nil.
    func confirmations(of deposit: Deposit) -> UInt64? {
        guard let header = header(at: deposit.block.number), header.hash == deposit.block.hash else { return nil }
        return head.number - deposit.block.number + 1
    }

    static let filter = TransferFilter(contract: WatcherFixtures.usdc, recipient: WatcherFixtures.depositAddress)
}

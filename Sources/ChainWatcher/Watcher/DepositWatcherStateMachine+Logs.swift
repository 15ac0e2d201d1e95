import Brokerage
import Ethereum

extension DepositWatcherStateMachine {
    /// Splits a chunk's logs into deposits and refused logs. The node's filter is not
    /// trusted: the emitter, the event shape, the recipient and the range are checked
    /// again here, and a log the node repeats is kept once.
    func classify(_ logs: [EventLog], range: ClosedRange<UInt64>) -> (deposits: [Deposit], discarded: [DiscardedLog]) {
        var deposits: [Deposit] = []
        var discarded: [DiscardedLog] = []
        var seen = Set<DepositKey>()
        for log in logs {
            func refuse(_ reason: DiscardedLog.Reason) {
                discarded.append(
                    DiscardedLog(
                        blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex,
                        reason: reason))
            }
            guard range.contains(log.blockNumber) else {
                refuse(.outsideRange)
                continue
            }
            guard !log.removed else {
                refuse(.removed)
                continue
            }
            guard log.address == settings.usdc else {
                refuse(.foreignContract(log.address))
                continue
            }
            let transfer: TransferLog
            do { transfer = try TransferLog(log) } catch {
                refuse(.malformed(error))
                continue
            }
            guard transfer.to == settings.depositAddress else {
                refuse(.otherRecipient(transfer.to))
                continue
            }
            guard let amount = try? USDC(baseUnits: transfer.value) else {
                refuse(.amountTooLarge)
                continue
            }
            let key = DepositKey(
                chainID: settings.chainID, transactionHash: log.transactionHash, logIndex: log.logIndex)
            guard seen.insert(key).inserted else { continue }
            deposits.append(
                Deposit(
                    key: key, from: transfer.from, to: transfer.to, amount: amount,
                    block: BlockRef(number: log.blockNumber, hash: log.blockHash)))
        }
        deposits.sort { ($0.block.number, $0.key.logIndex) < ($1.block.number, $1.key.logIndex) }
        return (deposits, discarded)
    }
}

import Brokerage
import ChainWatcher
import Ethereum

/// Shared values for the watcher tests: addresses, deterministic hashes and logs.
enum WatcherFixtures {
    static let chainID = 31_337
    static let usdc = address(0xC0)
    static let depositAddress = address(0xD0)
    static let sender = address(0x51)
    static let foreignToken = address(0xF0)

    static func address(_ byte: UInt8) -> Address {
        try! Address(bytes: [UInt8](repeating: byte, count: 20))
    }

    /// A distinct 32-byte hash per `(id, salt)`; salt separates blocks from transactions.
    static func hash(_ id: UInt64, salt: UInt8 = 0) -> Hash32 {
        var bytes = [UInt8](repeating: salt, count: 24)
        withUnsafeBytes(of: id.bigEndian) { bytes += $0 }
        return try! Hash32(bytes: bytes)
    }

    static func settings(confirmations: UInt64, margin: UInt64 = 2, startBlock: UInt64? = nil) -> DepositWatchSettings {
        DepositWatchSettings(
            chainID: chainID, usdc: usdc, depositAddress: depositAddress, confirmations: confirmations,
            reorgMargin: margin,
            startBlock: startBlock)
    }

    /// A Transfer log as a node returns it.
    static func transferLog(
        block: UInt64, blockHash: Hash32, tx: Hash32, logIndex: UInt64, micro: UInt64,
        emitter: Address = usdc, from: Address = sender, to: Address = depositAddress
    ) -> EventLog {
        let word: (Address) -> [UInt8] = { [UInt8](repeating: 0, count: 12) + $0.bytes }
        var data = [UInt8](repeating: 0, count: 24)
        withUnsafeBytes(of: micro.bigEndian) { data += $0 }
        return EventLog(
            address: emitter, topics: [ERC20.transferTopic, word(from), word(to)].map { try! Hash32(bytes: $0) },
            data: data, blockNumber: block,
            blockHash: blockHash, transactionHash: tx, logIndex: logIndex)
    }

    /// The deposit the watcher should derive from such a log.
    static func deposit(_ log: EventLog) -> Deposit {
        Deposit(
            key: DepositKey(chainID: chainID, transactionHash: log.transactionHash, logIndex: log.logIndex),
            from: sender, to: depositAddress,
            amount: USDC(micro: Int64(log.data.suffix(8).reduce(0) { $0 << 8 | UInt64($1) })),
            block: BlockRef(number: log.blockNumber, hash: log.blockHash))
    }
}

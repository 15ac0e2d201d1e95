import Ethereum

/// An `eth_getLogs` filter for Transfer events of one token to (deposits) or from (the
/// hot wallet's payouts) one address. The watcher re-checks every returned log against
/// it, since nodes get filters wrong.
public struct TransferFilter: Sendable, Hashable {
    /// Which side of the transfer `address` is on.
    public enum Side: Sendable, Hashable {
        /// The recipient (topic 2): deposits.
        case to
        /// The sender (topic 1): transfers out of the address.
        case from
    }

    /// The token contract (`address` in the filter).
    public let contract: Address
    /// The watched address, on `side` of the transfer.
    public let address: Address
    public let side: Side

    /// Transfers of `contract` to `recipient`.
    public init(contract: Address, recipient: Address) {
        self.contract = contract
        self.address = recipient
        self.side = .to
    }

    /// Transfers of `contract` out of `sender`.
    public init(contract: Address, sender: Address) {
        self.contract = contract
        self.address = sender
        self.side = .from
    }

    /// The filter's topics: `[Transfer, sender, recipient]`, `nil` meaning any.
    public var topics: [[UInt8]?] {
        let word = [UInt8](repeating: 0, count: 12) + address.bytes
        return side == .to ? [ERC20.transferTopic, nil, word] : [ERC20.transferTopic, word, nil]
    }

    /// Whether `log` is one this filter asks for: emitted by the contract, with the
    /// filter's topics in their places.
    public func matches(_ log: EventLog) -> Bool {
        guard log.address == contract, log.topics.count == 3 else { return false }
        return zip(topics, log.topics).allSatisfy { wanted, topic in wanted.map { $0 == topic.bytes } ?? true }
    }
}

import Ethereum

/// The `eth_getLogs` filter for deposits: Transfer events of one token to one address.
/// The watcher re-checks every returned log against it, since nodes get filters wrong.
public struct TransferFilter: Sendable, Hashable {
    /// The token contract (`address` in the filter).
    public let contract: Address
    /// The recipient (topic 2).
    public let recipient: Address

    public init(contract: Address, recipient: Address) {
        self.contract = contract
        self.recipient = recipient
    }

    /// The filter's topics: `[Transfer, any sender, recipient]`, `nil` meaning any.
    public var topics: [[UInt8]?] {
        [ERC20.transferTopic, nil, [UInt8](repeating: 0, count: 12) + recipient.bytes]
    }
}

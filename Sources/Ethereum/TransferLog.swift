import BigInt

/// A decoded ERC-20 `Transfer(from, to, value)` event.
public struct TransferLog: Sendable, Hashable {
    public let from: Address
    public let to: Address
    public let value: BigUInt

    public init(from: Address, to: Address, value: BigUInt) {
        self.from = from
        self.to = to
        self.value = value
    }

    /// Decodes `log`'s topics and data (see ``init(topics:data:)``).
    public init(_ log: EventLog) throws(ABIError) {
        try self.init(topics: log.topics.map(\.bytes), data: log.data)
    }

    /// Decodes a log's topics and data, requiring exactly three topics with the Transfer
    /// signature first, zero-padded address topics and a single 32-byte data word.
    /// The caller must still check that the log was emitted by the expected contract.
    public init(topics: [[UInt8]], data: [UInt8]) throws(ABIError) {
        guard topics.count == 3 else { throw .wrongTopicCount(topics.count) }
        guard topics[0] == ERC20.transferTopic else { throw .wrongTopic }
        from = try ERC20.decodeAddressWord(topics[1])
        to = try ERC20.decodeAddressWord(topics[2])
        guard data.count == 32 else { throw .wrongLength(expected: 32, actual: data.count) }
        // Four 64-bit words, least significant first: `BigUInt(bigEndian:)` shifts byte
        // by byte and was the costliest step of decoding a backfill's logs.
        value = BigUInt(
            words: (0..<4).map { w in data[(24 - 8 * w)..<(32 - 8 * w)].reduce(UInt(0)) { $0 << 8 | UInt($1) } })
    }
}

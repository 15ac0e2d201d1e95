/// A 32-byte hash (block hash, transaction hash, log topic).
///
/// A distinct type rather than `[UInt8]` so that a block hash can never be compared with
/// a truncated or padded value by accident: the reorg check relies on exact equality.
public struct Hash32: Sendable, Hashable, CustomStringConvertible {
    /// The 32 hash bytes.
    public let bytes: [UInt8]

    /// Wraps exactly 32 bytes.
    public init(bytes: some Collection<UInt8>) throws(HexError) {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        self.bytes = Array(bytes)
    }

    /// Parses `0x` + 64 hex digits (either case); anything else is refused.
    public init(parsing text: some StringProtocol) throws(HexError) {
        try self.init(bytes: Hex.decode(text, prefix: .required))
    }

    /// Lowercase `0x` hex, the form JSON-RPC uses.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    /// The first and last four bytes, enough to tell hashes apart in a log line.
    public var abbreviated: String {
        Hex.encode(bytes.prefix(4)) + "…" + Hex.encode(bytes.suffix(4), prefix: false)
    }
}

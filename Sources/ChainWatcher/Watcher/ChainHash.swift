import Ethereum

/// A 32-byte block or transaction hash as the watcher sees it.
///
/// The watcher keeps its own small value so the state machine does not depend on the
/// JSON-RPC types; the integrator maps the RPC client's hashes onto it. Wrong lengths are
/// refused because a truncated hash would silently compare unequal to the real one.
public struct ChainHash: Sendable, Hashable, CustomStringConvertible {
    /// The 32 hash bytes.
    public let bytes: [UInt8]

    /// Wraps exactly 32 bytes; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.bytes = Array(bytes)
    }

    /// Parses `0x` + 64 hex digits, as JSON-RPC returns them; `nil` when malformed.
    public init?(hex: some StringProtocol) {
        guard let decoded = try? Hex.decode(hex, prefix: .required) else { return nil }
        self.init(bytes: decoded)
    }

    /// Lowercase `0x` hex.
    public var description: String { Hex.encode(bytes) }

    /// The first and last four bytes, enough to tell hashes apart in a log line.
    public var abbreviated: String {
        Hex.encode(bytes.prefix(4)) + "…" + Hex.encode(bytes.suffix(4), prefix: false)
    }
}

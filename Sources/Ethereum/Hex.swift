/// Strict hexadecimal encoding and decoding for byte strings.
///
/// Ethereum tooling is loose about hex (missing prefixes, odd lengths, mixed case); a
/// payments daemon must not be, because a silently "fixed" value is a different value.
/// Decoding therefore rejects odd lengths and non-hex characters instead of guessing.
public enum Hex {
    /// Whether a `0x` prefix is required, optional or forbidden when decoding.
    public enum Prefix: Sendable {
        case required, optional, forbidden
    }

    @usableFromInline
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex with a `0x` prefix (`"0x"` for no bytes), as JSON-RPC expects.
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        bytes.withContiguousStorageIfAvailable { encode($0, prefix: prefix) }
            ?? Array(bytes).withUnsafeBufferPointer { encode($0, prefix: prefix) }
    }

    /// Writes the digits straight into the string's storage: hashes are encoded for every
    /// stored deposit, and an intermediate array plus UTF-8 validation tripled the cost.
    private static func encode(_ bytes: UnsafeBufferPointer<UInt8>, prefix: Bool) -> String {
        let start = prefix ? 2 : 0
        return String(unsafeUninitializedCapacity: start + bytes.count * 2) { out in
            if prefix { (out[0], out[1]) = (0x30, 0x78) }
            digits.withUnsafeBufferPointer { digits in
                for (i, b) in bytes.enumerated() {
                    out[start + 2 * i] = digits[Int(b >> 4)]
                    out[start + 2 * i + 1] = digits[Int(b & 0x0f)]
                }
            }
            return start + bytes.count * 2
        }
    }

    /// Decodes hex text into bytes; accepts either case but rejects odd lengths,
    /// non-hex characters and a prefix that is missing when required (or present when
    /// forbidden).
    public static func decode(_ text: some StringProtocol, prefix: Prefix = .optional) throws(HexError) -> [UInt8] {
        // In place where the text allows it: a backfill decodes ~95,000 256-byte blooms.
        let decoded = text.utf8.withContiguousStorageIfAvailable { decode(utf8: $0, prefix: prefix) }
        return try (decoded ?? Array(text.utf8).withUnsafeBufferPointer { decode(utf8: $0, prefix: prefix) }).get()
    }

    private static func decode(utf8: UnsafeBufferPointer<UInt8>, prefix: Prefix) -> Result<[UInt8], HexError> {
        var start = 0
        let hasPrefix = utf8.count >= 2 && utf8[0] == 0x30 && (utf8[1] == 0x78 || utf8[1] == 0x58)
        switch prefix {
        case .required:
            guard hasPrefix else { return .failure(.missingPrefix) }
            start = 2
        case .optional:
            if hasPrefix { start = 2 }
        case .forbidden:
            if hasPrefix { return .failure(.unexpectedPrefix) }
        }
        let count = utf8.count - start
        guard count % 2 == 0 else { return .failure(.oddLength(count)) }
        var out = [UInt8]()
        out.reserveCapacity(count / 2)
        var i = start
        while i < utf8.count {
            guard let hi = nibble(utf8[i]) else { return .failure(.invalidCharacter(offset: i)) }
            guard let lo = nibble(utf8[i + 1]) else { return .failure(.invalidCharacter(offset: i + 1)) }
            out.append(hi << 4 | lo)
            i += 2
        }
        return .success(out)
    }

    @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}

/// Why a hex string was refused.
public enum HexError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPrefix
    case unexpectedPrefix
    case oddLength(Int)
    case invalidCharacter(offset: Int)
    case wrongLength(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .missingPrefix: "hex value must start with 0x"
        case .unexpectedPrefix: "hex value must not start with 0x here"
        case .oddLength(let n): "hex value has an odd number of digits (\(n)); each byte needs two"
        case .invalidCharacter(let at): "hex value has a non-hex character at offset \(at)"
        case .wrongLength(let e, let a): "hex value has \(a) bytes; expected \(e)"
        }
    }
}

/// A 20-byte Ethereum account address.
///
/// Printed with the EIP-55 mixed-case checksum so that a mistyped address shown to an
/// operator or user is caught by any wallet. Parsing accepts the checksummed form and the
/// all-lowercase or all-uppercase forms (which carry no checksum), and rejects mixed case
/// whose checksum is wrong: that is almost always a typo.
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 20 address bytes.
    public let bytes: [UInt8]

    /// The zero address (mint source / burn target in ERC-20 logs).
    public static let zero = Address(unchecked: [UInt8](repeating: 0, count: 20))

    /// Wraps exactly 20 bytes.
    public init(bytes: some Collection<UInt8>) throws(AddressError) {
        guard bytes.count == 20 else { throw .wrongLength(bytes.count) }
        self.bytes = Array(bytes)
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Parses `0x` + 40 hex digits, validating the EIP-55 checksum when the case is mixed.
    public init(parsing text: some StringProtocol) throws(AddressError) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == 0x30, utf8[1] == 0x78 else { throw .missingPrefix }
        guard utf8.count == 42 else { throw .wrongLength((utf8.count - 2) / 2) }
        let decoded: [UInt8]
        do { decoded = try Hex.decode(text, prefix: .required) } catch { throw .invalidHex(error) }
        self.bytes = decoded
        let digits = utf8[2...]
        let hasLower = digits.contains { (0x61...0x66).contains($0) }
        let hasUpper = digits.contains { (0x41...0x46).contains($0) }
        if hasLower && hasUpper && String(decoding: utf8, as: UTF8.self) != checksummed {
            throw .badChecksum
        }
    }

    /// The EIP-55 checksummed form, e.g. `0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed`.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower)
        var out: [UInt8] = [0x30, 0x78]
        out.reserveCapacity(42)
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            out.append(c >= 0x61 && nibble >= 8 ? c - 0x20 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase `0x` hex, the form JSON-RPC filters and our vectors use.
    public var lowercased: String { Hex.encode(bytes) }

    public var description: String { checksummed }

    public static func < (a: Address, b: Address) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

extension Address: Codable {
    /// Decodes from a hex string with the same rules as ``init(parsing:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do { self = try Address(parsing: s) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }

    /// Encodes as the checksummed string.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(checksummed)
    }
}

/// Why an address was refused.
public enum AddressError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPrefix
    case wrongLength(Int)
    case invalidHex(HexError)
    case badChecksum

    public var description: String {
        switch self {
        case .missingPrefix: "address must start with 0x"
        case .wrongLength(let n): "address must be 20 bytes (40 hex digits), got \(n) bytes"
        case .invalidHex(let e): "address is not valid hex: \(e)"
        case .badChecksum: "address has mixed case but its EIP-55 checksum is wrong; check for a typo"
        }
    }
}

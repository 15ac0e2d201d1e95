import BigInt

/// RLP integers are minimal big-endian byte strings; the strict reader refuses leading
/// zeros so that every integer has exactly one encoding.
extension RLP {
    /// A canonical RLP integer (minimal big-endian bytes; zero is the empty string).
    public static func uint(_ v: BigUInt) -> RLP { .bytes(v.minimalBigEndian) }

    /// Reads a canonical RLP integer of at most `maxBytes` bytes.
    public func asUInt(maxBytes: Int = 32) throws(RLPError) -> BigUInt {
        let b = try asBytes()
        if let first = b.first, first == 0 { throw .leadingZeroInInteger }
        guard b.count <= maxBytes else { throw .integerTooLarge(maxBytes: maxBytes) }
        return BigUInt(bigEndian: b)
    }
}

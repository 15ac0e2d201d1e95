/// The 2048-bit bloom filter a block header carries over its logs' emitters and topics
/// (Yellow Paper, M3:2048). "Maybe present" can be a false positive; "absent" is certain.
public enum LogsBloom {
    /// Whether `item` (a 20-byte address or a 32-byte topic) may be in `bloom` (256 bytes).
    public static func mayContain(_ bloom: [UInt8], _ item: [UInt8]) -> Bool {
        guard bloom.count == 256 else { return true }
        let h = Keccak256.hash(item)
        for i in stride(from: 0, to: 6, by: 2) {
            let bit = (Int(h[i]) << 8 | Int(h[i + 1])) & 2047
            if bloom[255 - bit / 8] & UInt8(1 << (bit % 8)) == 0 { return false }
        }
        return true
    }
}

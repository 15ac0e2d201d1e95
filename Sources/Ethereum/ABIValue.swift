/// A value to encode as, or decoded from, an `ABIType`. `bytes` serves both `bytesN` and
/// `bytes`.
public indirect enum ABIValue: Sendable, Hashable {
    case uint(BigUInt)
    case int(BigInt)
    case address(Address)
    case bool(Bool)
    case bytes([UInt8])
    case string(String)
    case array([ABIValue])
}

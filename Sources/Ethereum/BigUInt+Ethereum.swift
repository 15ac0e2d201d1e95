import BigInt

/// 256-bit quantities: Ethereum integers (values, fees, token amounts) are `uint256`.
/// They are held as `BigUInt` and checked against 2^256 - 1 wherever they enter or leave.
extension BigUInt {
    /// 2^256 - 1, the largest `uint256`.
    public static let uint256Max = (BigUInt(1) << 256) - 1

    /// Parses a plain decimal string (digits only, no sign, no spaces), as the vectors and
    /// our JSON use for integers that may exceed 2^64.
    public init(decimal text: some StringProtocol, maxBits: Int = 256) throws(QuantityError) {
        guard !text.isEmpty else { throw .empty }
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { throw .notDecimal }
        guard text.utf8.count == 1 || text.utf8.first != 0x30 else { throw .leadingZero }
        guard text.utf8.count <= 80, let v = BigUInt(String(text), radix: 10) else { throw .tooLarge(bits: maxBits) }
        guard v.significantBits <= maxBits else { throw .tooLarge(bits: maxBits) }
        self = v
    }

    /// Interprets big-endian bytes as an unsigned integer (empty is zero).
    public init(bigEndian bytes: some Collection<UInt8>) {
        var v = BigUInt(0)
        for b in bytes { v = v << 8 | BigUInt(b) }
        self = v
    }

    /// Minimal big-endian bytes (zero is empty), the form RLP integers use.
    public var minimalBigEndian: [UInt8] {
        var out: [UInt8] = []
        var x = self
        let mask = BigUInt(0xff)
        while !x.isZero {
            out.append(UInt8(x & mask))
            x >>= 8
        }
        return out.reversed()
    }

    /// Number of significant bits (0 for zero). BigUInt's `bitWidth` is already minimal,
    /// unlike a fixed-width integer's; this name says so at the call sites.
    public var significantBits: Int { bitWidth }

    /// The value as a 32-byte big-endian ABI word; throws when it does not fit in 256 bits.
    public func uint256Word() throws(QuantityError) -> [UInt8] {
        let m = minimalBigEndian
        guard m.count <= 32 else { throw .tooLarge(bits: 256) }
        return [UInt8](repeating: 0, count: 32 - m.count) + m
    }
}

/// Why an integer quantity was refused.
public enum QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case notDecimal
    case leadingZero
    case tooLarge(bits: Int)

    public var description: String {
        switch self {
        case .empty: "integer is empty; send a decimal string such as \"21000\""
        case .notDecimal: "integer must be a decimal string of digits only (no sign, point, exponent or hex)"
        case .leadingZero: "integer must not have leading zeros"
        case .tooLarge(let bits): "integer does not fit in \(bits) bits"
        }
    }
}

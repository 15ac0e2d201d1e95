import BigInt

/// JSON-RPC "quantities": `0x`-prefixed hex integers with no leading zeros (`0x0`, `0x1a`).
///
/// Byte strings (``Hex/decode(_:prefix:)``) need an even number of digits; quantities
/// are the opposite. Nodes that pad (`0x01`) or send `0x` break the spec, and a payments
/// daemon refuses them rather than guessing what was meant.
extension Hex {
    /// Parses a quantity that must fit in 64 bits (block numbers, nonces, log indexes).
    public static func quantity(_ text: some StringProtocol) throws(HexQuantityError) -> UInt64 {
        let digits = try quantityDigits(text)
        guard digits.count <= 16 else { throw .tooLarge(bits: 64) }
        var value: UInt64 = 0
        for d in digits { value = value << 4 | UInt64(d) }
        return value
    }

    /// Parses a quantity of up to 256 bits (balances, gas prices).
    public static func bigQuantity(_ text: some StringProtocol) throws(HexQuantityError) -> BigUInt {
        let digits = try quantityDigits(text)
        guard digits.count <= 64 else { throw .tooLarge(bits: 256) }
        var value = BigUInt(0)
        for d in digits { value = value << 4 | BigUInt(d) }
        return value
    }

    /// Encodes a quantity: `0x0` for zero, otherwise no leading zeros.
    public static func quantity(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    private static func quantityDigits(_ text: some StringProtocol) throws(HexQuantityError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == 0x30, utf8[1] == 0x78 else { throw .missingPrefix }
        guard utf8.count > 2 else { throw .empty }
        var digits: [UInt8] = []
        digits.reserveCapacity(utf8.count - 2)
        for (offset, c) in utf8.enumerated().dropFirst(2) {
            guard let d = nibble(c) else { throw .invalidCharacter(offset: offset) }
            digits.append(d)
        }
        guard digits.count == 1 || digits[0] != 0 else { throw .leadingZero }
        return digits
    }
}

/// Why a hex quantity was refused.
public enum HexQuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPrefix
    case empty
    case leadingZero
    case invalidCharacter(offset: Int)
    case tooLarge(bits: Int)

    public var description: String {
        switch self {
        case .missingPrefix: "hex quantity must start with 0x"
        case .empty: "hex quantity has no digits (zero is 0x0)"
        case .leadingZero: "hex quantity must not have leading zeros"
        case .invalidCharacter(let at): "hex quantity has a non-hex character at offset \(at)"
        case .tooLarge(let bits): "hex quantity does not fit in \(bits) bits"
        }
    }
}

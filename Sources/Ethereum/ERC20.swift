import BigInt

/// The slice of the Solidity ABI that USDC payments need: `transfer` and `balanceOf`
/// call data, their return values, and `Transfer` event logs.
///
/// Decoding is strict (exact lengths, zero padding) because a log or return value that
/// only looks like a transfer must never credit an account.
public enum ERC20 {
    /// `transfer(address,uint256)`.
    public static let transferSelector: [UInt8] = [0xa9, 0x05, 0x9c, 0xbb]
    /// `balanceOf(address)`.
    public static let balanceOfSelector: [UInt8] = [0x70, 0xa0, 0x82, 0x31]
    /// topic0 of `Transfer(address,address,uint256)`.
    public static let transferTopic: [UInt8] = Keccak256.hash(utf8: "Transfer(address,address,uint256)")

    /// The first four bytes of keccak256 of a canonical function signature.
    public static func selector(_ signature: String) -> [UInt8] {
        Array(Keccak256.hash(utf8: signature).prefix(4))
    }

    /// Call data for `transfer(to, amount)`.
    public static func transferCallData(to: Address, amount: BigUInt) throws(ABIError) -> [UInt8] {
        let word: [UInt8]
        do { word = try amount.uint256Word() } catch { throw .valueTooLarge }
        return transferSelector + addressWord(to) + word
    }

    /// Call data for `balanceOf(owner)`.
    public static func balanceOfCallData(owner: Address) -> [UInt8] {
        balanceOfSelector + addressWord(owner)
    }

    /// Decodes `transfer` call data back into its recipient and amount (used to audit a
    /// signed withdrawal before it is broadcast).
    public static func decodeTransferCallData(_ data: [UInt8]) throws(ABIError) -> (to: Address, amount: BigUInt) {
        guard data.count == 4 + 64 else { throw .wrongLength(expected: 68, actual: data.count) }
        guard Array(data[0..<4]) == transferSelector else { throw .wrongSelector }
        let to = try decodeAddressWord(Array(data[4..<36]))
        return (to, BigUInt(bigEndian: data[36..<68]))
    }

    /// Decodes a single `uint256` return value (e.g. from `balanceOf`).
    public static func decodeUInt256(returnData: [UInt8]) throws(ABIError) -> BigUInt {
        guard returnData.count == 32 else { throw .wrongLength(expected: 32, actual: returnData.count) }
        return BigUInt(bigEndian: returnData)
    }

    /// Decodes a `uintN` return value (e.g. `decimals()` as `uint8`), rejecting bits set above N.
    public static func decodeUInt(returnData: [UInt8], bits: Int) throws(ABIError) -> BigUInt {
        let v = try decodeUInt256(returnData: returnData)
        guard v.significantBits <= bits else { throw .nonZeroPadding }
        return v
    }

    /// Decodes a `bool` return value; only 0 and 1 are valid.
    public static func decodeBool(returnData: [UInt8]) throws(ABIError) -> Bool {
        let v = try decodeUInt(returnData: returnData, bits: 1)
        return v == 1
    }

    /// Decodes a single dynamic `string` return value (`name()`, `symbol()`).
    public static func decodeString(returnData: [UInt8]) throws(ABIError) -> String {
        guard returnData.count >= 64, returnData.count % 32 == 0 else { throw .malformedDynamic }
        guard BigUInt(bigEndian: returnData[0..<32]) == 32 else { throw .malformedDynamic }
        let length = BigUInt(bigEndian: returnData[32..<64])
        guard length <= BigUInt(returnData.count - 64) else { throw .malformedDynamic }
        let n = Int(length)
        let padded = (n + 31) / 32 * 32
        guard returnData.count == 64 + padded else { throw .malformedDynamic }
        guard returnData[(64 + n)...].allSatisfy({ $0 == 0 }) else { throw .nonZeroPadding }
        guard let s = String(validating: returnData[64..<64 + n], as: UTF8.self) else { throw .invalidUTF8 }
        return s
    }

    static func addressWord(_ a: Address) -> [UInt8] {
        [UInt8](repeating: 0, count: 12) + a.bytes
    }

    static func decodeAddressWord(_ word: [UInt8]) throws(ABIError) -> Address {
        guard word.count == 32 else { throw .wrongLength(expected: 32, actual: word.count) }
        guard word[0..<12].allSatisfy({ $0 == 0 }) else { throw .nonZeroPadding }
        return Address(unchecked: Array(word[12..<32]))
    }
}

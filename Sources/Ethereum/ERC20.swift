import BigInt

/// The slice of the Solidity ABI that USDC payments need: `transfer` and `balanceOf`
/// call data and `Transfer` event logs (return values go through `ABI.decodeExactly`).
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

    static func addressWord(_ a: Address) -> [UInt8] {
        [UInt8](repeating: 0, count: 12) + a.bytes
    }

    static func decodeAddressWord(_ word: [UInt8]) throws(ABIError) -> Address {
        guard word.count == 32 else { throw .wrongLength(expected: 32, actual: word.count) }
        guard word[0..<12].allSatisfy({ $0 == 0 }) else { throw .nonZeroPadding }
        return Address(unchecked: Array(word[12..<32]))
    }
}

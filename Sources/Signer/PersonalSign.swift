import Ethereum

/// EIP-191 version 0x45 ("personal_sign"): what MetaMask signs for text messages.
///
/// The prefix makes a signed message unusable as a transaction signature, and the length
/// is the message's byte count (not its character count), written in decimal.
public enum PersonalSign {
    /// `"\u{19}Ethereum Signed Message:\n" + byte length + message`.
    public static func prefixed(_ message: [UInt8]) -> [UInt8] {
        Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8) + message
    }

    /// The digest that is signed: keccak256 of ``prefixed(_:)``.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        Keccak256.hash(prefixed(message))
    }

    /// Hashes the UTF-8 bytes of a text message.
    public static func hash(text: String) -> [UInt8] { hash(Array(text.utf8)) }

    /// Signs like a wallet would and returns 65 bytes `r || s || v` with v = 27/28.
    public static func sign(_ message: [UInt8], with key: PrivateKey) throws(SignatureError) -> [UInt8] {
        try key.sign(digest: hash(message)).rsv
    }

    /// Recovers the address that signed `message` from a 65-byte signature (v as 27/28
    /// or 0/1; low s only).
    public static func recover(_ message: [UInt8], signature: [UInt8]) throws(SignatureError) -> Address {
        try Signature(rsv: signature).recoverAddress(digest: hash(message))
    }
}

import CSecp256k1
import Ethereum

/// A secp256k1 private key.
///
/// The scalar sits in zeroed-on-release memory and is never part of `description`,
/// `debugDescription` or any error message, so logging a key (or a value holding one)
/// by mistake prints nothing secret.
public struct PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let secret: SecretBytes

    /// A new key from the operating system's CSPRNG (`getrandom` on Linux), retried in
    /// the astronomically unlikely case the scalar is zero or not below the curve order.
    public static func generate() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            var candidate = [UInt8](repeating: 0, count: 32)
            for i in 0..<32 { candidate[i] = rng.next() }
            defer { SecretBytes.zero(&candidate) }
            if let key = try? PrivateKey(bytes: candidate) { return key }
        }
    }

    /// Wraps 32 big-endian bytes; throws unless 0 < key < n.
    public init(bytes: some Collection<UInt8>) throws(KeyError) {
        guard bytes.count == 32 else { throw .wrongLength(bytes.count) }
        let secret = SecretBytes(bytes)
        let ok = secret.withUnsafeBytes { raw in
            secp256k1_ec_seckey_verify(
                Secp256k1Context.shared.pointer, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard ok == 1 else { throw .outOfRange }
        self.secret = secret
    }

    /// Parses a hex key (with or without `0x`); the input string itself cannot be
    /// cleared, so prefer reading keys from files or stdin into short-lived buffers.
    public init(hex: some StringProtocol) throws(KeyError) {
        var bytes: [UInt8]
        do { bytes = try Hex.decode(hex.trimmingWhitespace(), prefix: .optional) } catch { throw .invalidHex }
        defer { SecretBytes.zero(&bytes) }
        try self.init(bytes: bytes)
    }

    /// The matching public key.
    public var publicKey: PublicKey {
        let ctx = Secp256k1Context.shared.pointer
        var pub = secp256k1_pubkey()
        let ok = secret.withUnsafeBytes { raw in
            secp256k1_ec_pubkey_create(ctx, &pub, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        precondition(ok == 1, "a verified secret key always has a public key")
        return PublicKey(parsed: pub)
    }

    /// The account address of this key.
    public var address: Address { publicKey.address }

    /// Signs a 32-byte digest with RFC 6979 deterministic nonces; libsecp256k1 always
    /// returns low-s signatures (EIP-2), so the output is what every Ethereum client
    /// accepts and byte-identical to other RFC 6979 signers.
    public func sign(digest: [UInt8]) throws(SignatureError) -> Signature {
        guard digest.count == 32 else { throw .wrongDigestLength(digest.count) }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_recoverable_signature()
        let ok = secret.withUnsafeBytes { raw in
            secp256k1_ecdsa_sign_recoverable(
                ctx, &sig, digest, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, nil)
        }
        guard ok == 1 else { throw .signingFailed }
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &sig)
        return Signature(unchecked: Array(compact[0..<32]), Array(compact[32..<64]), UInt8(recid))
    }

    /// Gives scoped access to the raw scalar (keystore encryption needs it).
    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try secret.withUnsafeBytes(body)
    }

    public var description: String { "PrivateKey(<redacted>)" }
    public var debugDescription: String { description }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let s = Substring(self)
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = s.firstIndex(where: { !isSpace($0) }),
            let last = s.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return s[first...last]
    }
}

/// Why a private key was refused. Messages never include key material.
public enum KeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongLength(Int)
    case outOfRange
    case invalidHex

    public var description: String {
        switch self {
        case .wrongLength(let n): "private key must be 32 bytes, got \(n)"
        case .outOfRange: "private key is zero or not below the secp256k1 group order"
        case .invalidHex: "private key is not valid hex (expected 64 hex digits, optional 0x)"
        }
    }
}

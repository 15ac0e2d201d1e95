import BigInt
import CSecp256k1
import Ethereum

/// A recoverable secp256k1 ECDSA signature: `r`, `s` (32 bytes each) and the recovery id.
///
/// Ethereum identifies signers by recovering the public key from the signature, so the
/// recovery id travels with `r` and `s` (as `v` or `yParity` depending on the format).
public struct Signature: Sendable, Hashable {
    public let r: [UInt8]
    public let s: [UInt8]
    /// 0 or 1: the parity of the nonce point's y coordinate.
    public let recoveryID: UInt8

    /// The secp256k1 group order n.
    public static let curveOrder = BigUInt(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", radix: 16)!
    /// n / 2: EIP-2 rejects any `s` above this (the "high-s" twin of a valid signature).
    public static let halfCurveOrder = curveOrder >> 1

    init(unchecked r: [UInt8], _ s: [UInt8], _ recoveryID: UInt8) {
        self.r = r
        self.s = s
        self.recoveryID = recoveryID
    }

    /// Builds a signature from integer components, enforcing 0 < r < n, 0 < s <= n/2 and
    /// a recovery id of 0 or 1.
    public init(r: BigUInt, s: BigUInt, recoveryID: UInt8) throws(SignatureError) {
        guard recoveryID <= 1 else { throw .invalidRecoveryID }
        guard !r.isZero, r < Self.curveOrder, !s.isZero, s < Self.curveOrder else { throw .invalidRS }
        guard s <= Self.halfCurveOrder else { throw .highS }
        self.r = Self.word(r)
        self.s = Self.word(s)
        self.recoveryID = recoveryID
    }

    /// Parses the 65-byte `r || s || v` form used by `personal_sign`, accepting v as 27/28
    /// (wallets) or 0/1 (some libraries).
    public init(rsv bytes: [UInt8]) throws(SignatureError) {
        guard bytes.count == 65 else { throw .wrongLength(bytes.count) }
        let v = bytes[64]
        let rid: UInt8
        switch v {
        case 27, 28: rid = v - 27
        case 0, 1: rid = v
        default: throw .invalidRecoveryID
        }
        try self.init(r: BigUInt(bigEndian: bytes[0..<32]), s: BigUInt(bigEndian: bytes[32..<64]), recoveryID: rid)
    }

    /// `r || s || v` with v = 27/28, the form wallets return from `personal_sign`.
    public var rsv: [UInt8] { r + s + [recoveryID + 27] }

    public var rValue: BigUInt { BigUInt(bigEndian: r) }
    public var sValue: BigUInt { BigUInt(bigEndian: s) }

    /// Recovers the signer's public key from a 32-byte digest.
    public func recoverPublicKey(digest: [UInt8]) throws(SignatureError) -> PublicKey {
        guard digest.count == 32 else { throw .wrongDigestLength(digest.count) }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, r + s, Int32(recoveryID)) == 1 else {
            throw .invalidRS
        }
        var pub = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(ctx, &pub, &sig, digest) == 1 else { throw .recoveryFailed }
        return PublicKey(parsed: pub)
    }

    /// Recovers the signer's address from a 32-byte digest.
    public func recoverAddress(digest: [UInt8]) throws(SignatureError) -> Address {
        try recoverPublicKey(digest: digest).address
    }

    static func word(_ v: BigUInt) -> [UInt8] {
        let m = v.minimalBigEndian
        return [UInt8](repeating: 0, count: 32 - m.count) + m
    }
}

/// Why a signature could not be made, parsed or recovered.
public enum SignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongLength(Int)
    case wrongDigestLength(Int)
    case invalidRecoveryID
    case invalidRS
    case highS
    case recoveryFailed
    case signingFailed
    case invalidPublicKey

    public var description: String {
        switch self {
        case .wrongLength(let n): "signature must be 65 bytes (r, s, v), got \(n)"
        case .wrongDigestLength(let n): "digest must be 32 bytes, got \(n)"
        case .invalidRecoveryID: "signature v must be 27/28 or 0/1"
        case .invalidRS: "signature r or s is zero or not below the curve order"
        case .highS: "signature s is above n/2 (EIP-2 requires low s)"
        case .recoveryFailed: "no public key recovers from this signature and digest"
        case .signingFailed: "signing failed"
        case .invalidPublicKey: "public key is not a valid secp256k1 point"
        }
    }
}

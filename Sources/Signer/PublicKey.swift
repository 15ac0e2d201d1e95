import CSecp256k1
import Ethereum

/// A secp256k1 public key, kept in the library's parsed form.
public struct PublicKey: Sendable, Hashable {
    /// The 64-byte uncompressed point `x || y` (no `0x04` prefix), which Ethereum hashes
    /// to derive addresses.
    public let uncompressed: [UInt8]

    init(parsed pub: secp256k1_pubkey) {
        var pub = pub
        var out = [UInt8](repeating: 0, count: 65)
        var len = 65
        _ = secp256k1_ec_pubkey_serialize(
            Secp256k1Context.shared.pointer, &out, &len, &pub, UInt32(SECP256K1_EC_UNCOMPRESSED))
        uncompressed = Array(out[1..<65])
    }

    /// Parses a 65-byte (`0x04` prefixed) or 33-byte compressed point.
    public init(bytes: [UInt8]) throws(SignatureError) {
        var pub = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &pub, bytes, bytes.count) == 1 else {
            throw .invalidPublicKey
        }
        self.init(parsed: pub)
    }

    /// The account address: the last 20 bytes of keccak256(x || y).
    public var address: Address {
        let hash = Keccak256.hash(uncompressed)
        return try! Address(bytes: hash[12..<32])
    }

    /// Verifies a signature over a digest (low-s only, as Ethereum requires).
    public func verify(_ signature: Signature, digest: [UInt8]) -> Bool {
        guard digest.count == 32 else { return false }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(ctx, &sig, signature.r + signature.s) == 1 else { return false }
        var pub = secp256k1_pubkey()
        let full = [0x04] + uncompressed
        guard secp256k1_ec_pubkey_parse(ctx, &pub, full, full.count) == 1 else { return false }
        return secp256k1_ecdsa_verify(ctx, &sig, digest, &pub) == 1
    }
}

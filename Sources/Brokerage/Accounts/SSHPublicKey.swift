import Crypto
import Foundation

/// A renter's OpenSSH public key (`ssh-ed25519 AAAA... comment`), checked the way
/// `ssh-keygen -l` reads it: the blob decodes, names the same type as the line, and
/// holds a whole key. Only ed25519 and RSA of at least 3072 bits are taken (NIST and
/// OpenSSH's own defaults); DSA, short RSA and the rest are refused.
public struct SSHPublicKey: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case ed25519 = "ssh-ed25519"
        case rsa = "ssh-rsa"
    }

    public let kind: Kind
    /// Key size in bits (256 for ed25519).
    public let bits: Int
    /// `SHA256:` and the unpadded base64 of the blob's digest, as `ssh-keygen -l` prints it.
    public let fingerprint: String
    /// The normalised line: type, blob and the comment if any, single-spaced.
    public let line: String

    public static let minimumRSABits = 3072

    public init(_ text: String) throws(SSHKeyError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard !trimmed.contains(where: \.isNewline), parts.count >= 2 else {
            throw .malformed("expected one line \"<type> <base64> [comment]\"")
        }
        guard let kind = Kind(rawValue: String(parts[0])) else {
            throw .unsupported(
                "\(parts[0].prefix(40)) keys are not accepted; use ssh-ed25519 or ssh-rsa (3072 bits or more)")
        }
        guard let blob = Data(base64Encoded: String(parts[1])) else { throw .malformed("the key is not valid base64") }
        var reader = Reader(bytes: [UInt8](blob))
        guard let type = reader.string(), String(decoding: type, as: UTF8.self) == kind.rawValue else {
            throw .malformed("the key's blob does not match its type \(kind.rawValue)")
        }
        switch kind {
        case .ed25519:
            guard let key = reader.string(), key.count == 32, reader.atEnd else {
                throw .malformed("an ed25519 key holds exactly 32 bytes")
            }
            bits = 256
        case .rsa:
            guard let exponent = reader.string(), !exponent.isEmpty, let modulus = reader.string(), reader.atEnd else {
                throw .malformed("an RSA key holds an exponent and a modulus")
            }
            let significant = modulus.drop { $0 == 0 }
            let size = significant.first.map { significant.count * 8 - $0.leadingZeroBitCount } ?? 0
            guard size >= Self.minimumRSABits else {
                throw .tooShort("this RSA key has \(size) bits; use at least \(Self.minimumRSABits), or ed25519")
            }
            bits = size
        }
        self.kind = kind
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        fingerprint = "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
        line = parts.count == 3 ? "\(parts[0]) \(parts[1]) \(parts[2])" : "\(parts[0]) \(parts[1])"
    }

    /// SSH wire format: big-endian 32-bit lengths before each field.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func string() -> ArraySlice<UInt8>? {
            guard bytes.count - offset >= 4 else { return nil }
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard length <= bytes.count - offset else { return nil }
            defer { offset += length }
            return bytes[offset..<offset + length]
        }
    }
}

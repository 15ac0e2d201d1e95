import Ethereum
import Foundation
import Timekeeping

/// Verifies Sign-In with Ethereum messages for one site.
///
/// Every check in EIP-4361's verification section is made against configuration rather
/// than against the message itself: the domain, scheme and port the user's wallet showed
/// must be ours, the URI ours, the chain one we support and the nonce one we issued.
public struct SIWEVerifier: Sendable {
    /// Our `host[:port]`, exactly as it must appear in the message (port included when
    /// the site is served on a non-default port).
    public var domain: String
    /// The scheme we serve on; a message without a scheme is taken as `https`.
    public var scheme: String
    /// The URI the web app puts in the message.
    public var uri: String
    public var chainIDs: Set<UInt64>
    /// Injected clock, so tests (and replays of old logs) control time.
    public var clock: any TimeSource

    public init(
        domain: String, scheme: String = "https", uri: String, chainIDs: Set<UInt64>,
        clock: any TimeSource = SystemTimeSource()
    ) {
        self.domain = domain
        self.scheme = scheme
        self.uri = uri
        self.chainIDs = chainIDs
        self.clock = clock
    }

    /// Parses and verifies `message` signed with `signature` (65 bytes, v 27/28 or 0/1);
    /// consumes the nonce only when every other check passed. Returns the parsed message,
    /// whose ``SIWEMessage/address`` is now proven to be the signer.
    public func verify(message: String, signature: [UInt8], nonces: some SIWENonceStore) async throws(SIWEError)
        -> SIWEMessage
    {
        let m = try SIWEMessage(parsing: message)
        guard (m.scheme ?? "https") == scheme else { throw .wrongScheme(m.scheme ?? "https") }
        guard m.domain == domain else { throw .wrongDomain(m.domain) }
        guard m.uri == uri else { throw .wrongURI(m.uri) }
        guard m.version == "1" else { throw .unsupportedVersion(m.version) }
        guard chainIDs.contains(m.chainID) else { throw .unsupportedChain(m.chainID) }
        let t = clock.now
        guard m.issuedAt <= t else { throw .issuedInFuture }
        if let exp = m.expirationTime, t >= exp { throw .expired }
        if let nbf = m.notBefore, t < nbf { throw .notYetValid }
        let signer: Address
        do { signer = try PersonalSign.recover(Array(message.utf8), signature: signature) } catch {
            throw .signature(error)
        }
        guard signer == m.address else { throw .addressMismatch }
        let consumed: Bool
        do { consumed = try await nonces.consume(nonce: m.nonce) } catch { throw .nonceStoreUnavailable("\(error)") }
        guard consumed else { throw .unknownOrUsedNonce }
        return m
    }
}

/// Why a Sign-In with Ethereum message was refused.
public enum SIWEError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case invalidAddress(AddressError)
    case unsupportedVersion(String)
    case wrongScheme(String)
    case wrongDomain(String)
    case wrongURI(String)
    case unsupportedChain(UInt64)
    case issuedInFuture
    case expired
    case notYetValid
    case signature(SignatureError)
    case addressMismatch
    case unknownOrUsedNonce
    /// The nonce could not be checked (the store failed); the message may be fine. The
    /// store's error is kept for the log and left out of ``description``, which clients see.
    case nonceStoreUnavailable(String)

    public var description: String {
        switch self {
        case .malformed(let why): "sign-in message is malformed: \(why)"
        case .invalidAddress(let e): "sign-in message address is invalid: \(e)"
        case .unsupportedVersion(let v): "sign-in message version \(v) is not supported (only 1)"
        case .wrongScheme(let s): "sign-in message scheme \(s) is not ours"
        case .wrongDomain(let d): "sign-in message is for domain \(d), not this site"
        case .wrongURI(let u): "sign-in message URI \(u) is not this site's"
        case .unsupportedChain(let c): "sign-in message chain id \(c) is not supported here"
        case .issuedInFuture: "sign-in message is issued in the future; check the device clock"
        case .expired: "sign-in message has expired; sign a new one"
        case .notYetValid: "sign-in message is not valid yet"
        case .signature(let e): "sign-in signature is invalid: \(e)"
        case .addressMismatch: "sign-in signature was not made by the address in the message"
        case .unknownOrUsedNonce: "sign-in nonce was not issued by us or was already used; request a new one"
        case .nonceStoreUnavailable: "sign-in nonce could not be checked; try again shortly"
        }
    }
}

import Ethereum
import Foundation
import Timekeeping

/// A parsed Sign-In with Ethereum (EIP-4361) message.
///
/// Parsing follows the EIP's ABNF line by line and refuses anything else, because the
/// user signs the exact text: a lenient parser could read fields the wallet displayed
/// differently.
public struct SIWEMessage: Sendable, Hashable {
    /// `https` when the message names a scheme, else nil (the EIP then implies https).
    public var scheme: String?
    /// `host[:port]` requesting the sign-in.
    public var domain: String
    public var address: Address
    public var statement: String?
    public var uri: String
    public var version: String
    public var chainID: UInt64
    public var nonce: String
    public var issuedAt: Date
    public var expirationTime: Date?
    public var notBefore: Date?
    public var requestID: String?
    public var resources: [String]

    static let header = " wants you to sign in with your Ethereum account:"

    /// Parses the exact signed text.
    public init(parsing text: String) throws(SIWEError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 8 else { throw .malformed("message is too short") }
        // Line 1: [scheme "://"] domain " wants you to sign in with your Ethereum account:"
        let first = lines.removeFirst()
        guard first.hasSuffix(Self.header) else { throw .malformed("first line must end with \"\(Self.header)\"") }
        var authority = String(first.dropLast(Self.header.count))
        if let r = authority.range(of: "://") {
            let s = String(authority[..<r.lowerBound])
            guard !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else {
                throw .malformed("scheme is not valid")
            }
            scheme = s
            authority = String(authority[r.upperBound...])
        } else {
            scheme = nil
        }
        guard !authority.isEmpty, !authority.contains(" "), !authority.contains("/") else {
            throw .malformed("domain is not a valid host[:port]")
        }
        domain = authority
        // Line 2: the address, EIP-55 checksummed as the EIP requires.
        let addressLine = lines.removeFirst()
        do { address = try Address(parsing: addressLine) } catch { throw .invalidAddress(error) }
        guard addressLine == address.checksummed else { throw .malformed("address must be in EIP-55 checksummed form") }
        guard lines.removeFirst().isEmpty else { throw .malformed("expected an empty line after the address") }
        // Optional statement followed by an empty line.
        if lines.first?.isEmpty == true {
            lines.removeFirst()
            statement = nil
        } else {
            let st = lines.removeFirst()
            guard !st.contains("\n") else { throw .malformed("statement must be one line") }
            statement = st
            guard lines.first?.isEmpty == true else { throw .malformed("expected an empty line after the statement") }
            lines.removeFirst()
        }
        func field(_ name: String, required: Bool) throws(SIWEError) -> String? {
            guard let line = lines.first, line.hasPrefix(name + ": ") else {
                if required { throw .malformed("missing \"\(name):\" line") }
                return nil
            }
            lines.removeFirst()
            return String(line.dropFirst(name.count + 2))
        }
        uri = try field("URI", required: true)!
        guard URL(string: uri)?.scheme != nil else { throw .malformed("URI is not an absolute URI") }
        version = try field("Version", required: true)!
        guard version == "1" else { throw .unsupportedVersion(version) }
        let chain = try field("Chain ID", required: true)!
        guard let c = UInt64(chain), !chain.hasPrefix("0") else { throw .malformed("chain id is not a decimal number") }
        chainID = c
        nonce = try field("Nonce", required: true)!
        guard nonce.count >= 8, nonce.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw .malformed("nonce must be at least 8 alphanumeric characters")
        }
        issuedAt = try Self.timestamp(try field("Issued At", required: true)!, "Issued At")
        expirationTime = try field("Expiration Time", required: false).map { (s) throws(SIWEError) in
            try Self.timestamp(s, "Expiration Time")
        }
        notBefore = try field("Not Before", required: false).map { (s) throws(SIWEError) in
            try Self.timestamp(s, "Not Before")
        }
        requestID = try field("Request ID", required: false)
        resources = []
        if lines.first == "Resources:" {
            lines.removeFirst()
            while let line = lines.first, line.hasPrefix("- ") {
                let res = String(line.dropFirst(2))
                guard URL(string: res)?.scheme != nil else { throw .malformed("resource is not an absolute URI") }
                resources.append(res)
                lines.removeFirst()
            }
        }
        guard lines.isEmpty else { throw .malformed("unexpected line \"\(lines[0].prefix(40))\"") }
    }

    /// The host part of ``domain`` (without a port).
    public var host: String { port.map { _ in String(domain[..<domain.lastIndex(of: ":")!]) } ?? domain }

    /// The port in ``domain``, if any.
    public var port: Int? {
        guard let i = domain.lastIndex(of: ":"), !domain.hasSuffix("]") else { return nil }
        return Int(domain[domain.index(after: i)...])
    }

    /// Parses an RFC 3339 date-time (`2021-09-30T16:25:24Z`, fractions and offsets allowed).
    static func timestamp(_ s: String, _ name: String) throws(SIWEError) -> Date {
        guard let d = RFC3339.parseStrict(s) else { throw .malformed("\(name) is not an RFC 3339 date-time") }
        return d
    }
}

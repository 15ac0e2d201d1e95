import ChainWatcher
import Foundation
import Signer
import Timekeeping

/// What a Sign-In with Ethereum message must name to link a wallet here: our public URL
/// (`GP4U_PUBLIC_URL`, whose scheme, host and port become the message's scheme, domain and
/// URI) and the chains we accept.
public struct SIWESite: Sendable {
    public var scheme: String
    /// `host[:port]`, the port only when it is not the scheme's default.
    public var domain: String
    public var uri: String
    public var chainIDs: Set<UInt64>
    /// How long an issued nonce may be used.
    public var nonceLifetime: Int64 = 600

    /// `publicURL` must be an absolute http(s) URL; the caller validated it.
    public init(publicURL: URL, chainIDs: Set<UInt64>) {
        let scheme = publicURL.scheme?.lowercased() ?? "http"
        let host = publicURL.host ?? "localhost"
        let defaultPort = scheme == "https" ? 443 : 80
        self.scheme = scheme
        domain = publicURL.port.map { $0 == defaultPort ? host : "\(host):\($0)" } ?? host
        uri = "\(scheme)://\(domain)"
        self.chainIDs = chainIDs
    }

    /// The chains users may sign for: the watched ones, or every known one in simulated
    /// mode (an address is the same on every EVM chain).
    public static func chainIDs(watching chains: [Int]) -> Set<UInt64> {
        Set((chains.isEmpty ? Chain.known.map(\.id) : chains).map { UInt64($0) })
    }

    func verifier(clock: any TimeSource) -> SIWEVerifier {
        SIWEVerifier(domain: domain, scheme: scheme, uri: uri, chainIDs: chainIDs, clock: clock)
    }
}

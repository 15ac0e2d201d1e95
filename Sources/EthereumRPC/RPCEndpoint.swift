import Foundation

/// One JSON-RPC endpoint URL.
///
/// Provider URLs carry API keys in their path or query (`https://x.g.alchemy.com/v2/KEY`),
/// so the full URL is only reachable inside this module, for the transport; everything
/// printable (``description``, ``redacted``, error messages, health snapshots) shows
/// `scheme://host[:port]` and hides the rest behind `/…`.
public struct RPCEndpoint: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The URL as configured; never log or print it.
    package let url: String
    /// `scheme://host[:port]`, plus `/…` when a path, query or credentials were hidden.
    public let redacted: String

    /// Accepts `http` and `https` URLs with a host; the error never repeats the URL.
    public init(parsing text: String) throws(RPCEndpointError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let parts = URLComponents(string: trimmed) else { throw .notAURL }
        guard let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .unsupportedScheme
        }
        guard let host = parts.host, !host.isEmpty else { throw .missingHost }
        if let port = parts.port, !(1...65535).contains(port) { throw .badPort }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var shown = "\(scheme)://\(hostPart)"
        if let port = parts.port { shown += ":\(port)" }
        let hidden =
            !(parts.path.isEmpty || parts.path == "/") || parts.query != nil || parts.fragment != nil
            || parts.user != nil || parts.password != nil
        if hidden { shown += "/…" }
        url = trimmed
        redacted = shown
    }

    public var description: String { redacted }
    public var debugDescription: String { "RPCEndpoint(\(redacted))" }

    /// Replaces the full URL wherever it appears in `text` (library error messages may
    /// quote it), so a message built from a lower layer cannot leak a key.
    package func scrub(_ text: String) -> String {
        text.replacingOccurrences(of: url, with: redacted)
    }
}

/// Why an RPC URL was refused. Messages never repeat the URL: it may hold an API key.
public enum RPCEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAURL
    case unsupportedScheme
    case missingHost
    case badPort

    public var description: String {
        switch self {
        case .notAURL: "is not a URL; expected http(s)://host[:port]/path"
        case .unsupportedScheme: "must start with http:// or https://"
        case .missingHost: "has no host; expected http(s)://host[:port]/path"
        case .badPort: "has a port outside 1-65535"
        }
    }
}

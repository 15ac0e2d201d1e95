import Foundation

/// Which other web origins may call the API from a browser (`GP4U_CORS_ORIGINS`). Off by
/// default: the web app is served from the API's own origin and needs none. Tokens travel
/// in the Authorization header, never in cookies, so credentials are never allowed.
public struct CORSPolicy: Sendable, Equatable {
    /// Lower-cased `scheme://host[:port]` origins.
    public let origins: Set<String>
    /// `*`: any origin (fine for a public API read with bearer tokens).
    public let anyOrigin: Bool

    public static let off = CORSPolicy(origins: [], anyOrigin: false)

    public init(origins: Set<String>, anyOrigin: Bool) {
        self.origins = origins
        self.anyOrigin = anyOrigin
    }

    /// A comma list of origins such as `https://app.example.com, http://localhost:3000`,
    /// or `*`; empty means off.
    public static func parse(_ text: String) throws(ConfigError) -> CORSPolicy {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if items == ["*"] { return CORSPolicy(origins: [], anyOrigin: true) }
        var origins: Set<String> = []
        for item in items {
            guard let url = URL(string: item), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme),
                let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/", url.query == nil,
                url.user == nil
            else {
                throw ConfigError(
                    "GP4U_CORS_ORIGINS",
                    "must be * or a comma list of origins like https://app.example.com (no path), got \"\(item)\"")
            }
            origins.insert("\(scheme)://\(host.lowercased())" + (url.port.map { ":\($0)" } ?? ""))
        }
        return CORSPolicy(origins: origins, anyOrigin: false)
    }

    public var isOff: Bool { origins.isEmpty && !anyOrigin }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, if allowed.
    public func allowOrigin(for origin: String) -> String? {
        if anyOrigin { return "*" }
        return origins.contains(origin.lowercased()) ? origin : nil
    }
}

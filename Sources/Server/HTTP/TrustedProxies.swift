import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The reverse proxies (`GP4U_TRUSTED_PROXIES`) whose `X-Forwarded-For` is believed.
/// Behind nginx every request comes from the proxy's address, so without this the
/// per-address limits would count all visitors as one; believing the header from anyone
/// else would let a client pick a fresh address for every guess.
public struct TrustedProxies: Sendable, Equatable {
    /// An address or network: the first `prefix` bits of `bytes` (4 or 16 bytes).
    struct Network: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var bits = prefix
            for (a, b) in zip(address, bytes) where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if a & mask != b & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    let networks: [Network]

    public static let none = TrustedProxies(networks: [])

    /// A comma list of addresses and CIDR networks, such as `127.0.0.1, 10.0.0.0/8, ::1`.
    public static func parse(_ text: String) throws(ConfigError) -> TrustedProxies {
        var networks: [Network] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(of: parts[0]) else {
                throw ConfigError("GP4U_TRUSTED_PROXIES", "\"\(item)\" is not an IP address or network like 10.0.0.0/8")
            }
            let width = bytes.count * 8
            let prefix = parts.count == 2 ? Int(parts[1]) : width
            guard let prefix, (0...width).contains(prefix) else {
                throw ConfigError("GP4U_TRUSTED_PROXIES", "\"\(item)\" has a prefix outside 0-\(width)")
            }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
        return TrustedProxies(networks: networks)
    }

    /// The client's address: the peer itself unless it is a trusted proxy; then, walking
    /// `X-Forwarded-For` from the right (each proxy appends the address it saw), the first
    /// address that is not a trusted proxy. A header a client forged sits left of that
    /// and is never reached.
    public func clientAddress(peer: String, forwardedFor: [String]) -> String {
        guard isTrusted(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            guard Self.bytes(of: hop) != nil else { return client }  // garbage: stop at what we know
            client = hop
            if !isTrusted(hop) { break }
        }
        return client
    }

    func isTrusted(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The address's bytes, or nil when it is not an IPv4 or IPv6 address.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

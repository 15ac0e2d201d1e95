import Server
import Testing

@Suite("Trusted proxies")
struct TrustedProxiesTests {
    let proxies = try! TrustedProxies.parse("127.0.0.1, 10.0.0.0/8, fd00::/8")

    @Test("a peer that is no trusted proxy is the client, whatever it forwards")
    func untrustedPeer() {
        #expect(proxies.clientAddress(peer: "198.51.100.7", forwardedFor: ["203.0.113.9"]) == "198.51.100.7")
        #expect(TrustedProxies.none.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "127.0.0.1")
    }

    @Test("through trusted proxies: the rightmost address that is not one of them")
    func chains() {
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        // A forged entry on the left is never reached; proxies on the right are skipped.
        #expect(
            proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 203.0.113.9", "10.1.2.3"])
                == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "fd12::1", forwardedFor: ["2001:db8::5"]) == "2001:db8::5")
        // Only proxies all the way: the leftmost one is the best known.
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["10.0.0.1, 10.0.0.2"]) == "10.0.0.1")
        // No header, or garbage in it: stop at the last address known to be real.
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9, unknown"]) == "127.0.0.1")
    }

    @Test("networks match by prefix only: 10.0.0.0/8 holds 10.255.0.1, not 11.0.0.1; /0 holds all")
    func prefixes() throws {
        #expect(proxies.clientAddress(peer: "10.255.0.1", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "11.0.0.1", forwardedFor: ["203.0.113.9"]) == "11.0.0.1")
        let odd = try TrustedProxies.parse("192.168.1.128/25")
        #expect(odd.clientAddress(peer: "192.168.1.200", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        #expect(odd.clientAddress(peer: "192.168.1.100", forwardedFor: ["203.0.113.9"]) == "192.168.1.100")
        let all = try TrustedProxies.parse("0.0.0.0/0")
        #expect(all.clientAddress(peer: "8.8.8.8", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
    }

    @Test(
        "GP4U_TRUSTED_PROXIES refuses what is not an address or network",
        arguments: ["localhost", "10.0.0.0/33", "::1/129", "1.2.3"])
    func refused(text: String) {
        let error = #expect(throws: ConfigError.self) { try TrustedProxies.parse(text) }
        #expect(error?.variable == "GP4U_TRUSTED_PROXIES")
    }
}

import Ethereum
import Foundation
import Signer
import TestSupport
import Testing
import Timekeeping

/// A nonce store that issues a fixed set and lets each be consumed once.
actor TestNonces: SIWENonceStore {
    var issued: Set<String>
    init(_ issued: Set<String>) { self.issued = issued }
    func consume(nonce: String) -> Bool { issued.remove(nonce) != nil }
}

/// A nonce store whose database is down.
struct FailingNonces: SIWENonceStore {
    struct Down: Error, CustomStringConvertible { var description: String { "connection to 10.0.0.5:5432 refused" } }
    func consume(nonce: String) async throws -> Bool { throw Down() }
}

@Suite("Sign-In with Ethereum (EIP-4361)")
struct SIWETests {
    static let examples = (try! Vectors.load("personal_sign.json", as: PersonalSignFile.self)).vectors
        .filter { $0.name.hasPrefix("gen-k1-eip4361") }.compactMap(\.message)

    static let key = try! PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")

    static func message(
        scheme: String? = "https", domain: String = "gp4u.example:8443", address: Address = key.address,
        uri: String = "https://gp4u.example:8443/login", version: String = "1", chain: String = "137",
        nonce: String = "abcdef123456", issuedAt: String = "2026-11-27T10:00:00Z",
        expiration: String? = "2026-11-27T10:10:00Z", notBefore: String? = nil
    ) -> String {
        var lines = [
            "\(scheme.map { "\($0)://" } ?? "")\(domain) wants you to sign in with your Ethereum account:",
            address.checksummed, "",
            "Sign in to GP4U.", "", "URI: \(uri)", "Version: \(version)", "Chain ID: \(chain)", "Nonce: \(nonce)",
            "Issued At: \(issuedAt)",
        ]
        if let expiration { lines.append("Expiration Time: \(expiration)") }
        if let notBefore { lines.append("Not Before: \(notBefore)") }
        return lines.joined(separator: "\n")
    }

    static func verifier(at time: String = "2026-11-27T10:05:00Z") -> SIWEVerifier {
        SIWEVerifier(
            domain: "gp4u.example:8443", uri: "https://gp4u.example:8443/login", chainIDs: [1, 137],
            clock: ManualTimeSource(now: date(rfc3339: time)))
    }

    func verify(
        _ text: String, verifier: SIWEVerifier = SIWETests.verifier(),
        nonces: TestNonces = TestNonces(["abcdef123456"]), key: PrivateKey = SIWETests.key
    ) async throws(SIWEError) -> SIWEMessage {
        let sig = try! PersonalSign.sign(Array(text.utf8), with: key)
        return try await verifier.verify(message: text, signature: sig, nonces: nonces)
    }

    @Test("parses the EIP's example messages", arguments: SIWETests.examples)
    func examplesParse(_ text: String) throws {
        let m = try SIWEMessage(parsing: text)
        #expect(m.address.checksummed == "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")
        #expect(m.uri == "https://example.com/login" && m.chainID == 1 && m.nonce == "32891756")
        #expect(m.statement == "I accept the ExampleOrg Terms of Service: https://example.com/tos")
        #expect(m.resources.count == 2)
        #expect(m.host == "example.com")
    }

    @Test("a valid message verifies once; the nonce cannot be replayed")
    func validOnce() async throws {
        let nonces = TestNonces(["abcdef123456"])
        let text = Self.message()
        let m = try await verify(text, nonces: nonces)
        #expect(m.address == Self.key.address && m.port == 8443)
        await #expect(throws: SIWEError.unknownOrUsedNonce) { try await verify(text, nonces: nonces) }
    }

    @Test("a nonce store that fails is reported as such, not as a used nonce, and its error stays out of the message")
    func nonceStoreDown() async throws {
        let text = Self.message()
        let sig = try PersonalSign.sign(Array(text.utf8), with: Self.key)
        do {
            _ = try await Self.verifier().verify(message: text, signature: sig, nonces: FailingNonces())
            Issue.record("verified without checking the nonce")
        } catch {
            guard case .nonceStoreUnavailable(let why) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(why.contains("10.0.0.5"))  // for the log
            #expect(!error.description.contains("10.0.0.5"))  // what clients are told
        }
    }

    @Test("v as 0/1 is accepted")
    func vZeroOne() async throws {
        let text = Self.message()
        var sig = try PersonalSign.sign(Array(text.utf8), with: Self.key)
        sig[64] -= 27
        _ = try await Self.verifier().verify(message: text, signature: sig, nonces: TestNonces(["abcdef123456"]))
    }

    @Test(
        "every check refuses",
        arguments: [
            (SIWETests.message(domain: "evil.example:8443"), SIWEError.wrongDomain("evil.example:8443")),
            (SIWETests.message(domain: "gp4u.example"), .wrongDomain("gp4u.example")),
            (SIWETests.message(scheme: "http"), .wrongScheme("http")),
            (SIWETests.message(uri: "https://evil.example/login"), .wrongURI("https://evil.example/login")),
            (SIWETests.message(version: "2"), .unsupportedVersion("2")),
            (SIWETests.message(chain: "5"), .unsupportedChain(5)),
            (SIWETests.message(nonce: "zzzzzzzzzzzz"), .unknownOrUsedNonce),
            (SIWETests.message(issuedAt: "2026-11-27T10:06:00Z"), .issuedInFuture),
            (SIWETests.message(expiration: "2026-11-27T10:04:59Z"), .expired),
            (SIWETests.message(notBefore: "2026-11-27T10:05:01Z"), .notYetValid),
            (
                SIWETests.message(
                    address: try! PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
                        .address), .addressMismatch
            ),
        ])
    func refused(_ text: String, _ expected: SIWEError) async {
        await #expect(throws: expected) { try await verify(text) }
    }

    @Test("times with offsets and fractions are read exactly")
    func offsets() async throws {
        let m = try SIWEMessage(
            parsing: SIWETests.message(issuedAt: "2026-11-27T11:00:00.5+01:00", expiration: "2028-02-29T00:00:00Z"))
        #expect(m.issuedAt == date(rfc3339: "2026-11-27T10:00:00Z").addingTimeInterval(0.5))
        #expect(m.expirationTime == date(rfc3339: "2028-02-29T00:00:00Z"))
    }

    @Test("no scheme means https")
    func impliedScheme() async throws {
        _ = try await verify(Self.message(scheme: nil))
    }

    @Test(
        "malformed messages",
        arguments: [
            "", "hello",
            SIWETests.message(nonce: "short"),
            SIWETests.message(issuedAt: "2026-11-27 10:00:00"),
            SIWETests.message(issuedAt: "2026-02-29T10:00:00Z"),
            SIWETests.message(issuedAt: "2026-11-27T24:00:00Z"),
            SIWETests.message(expiration: "2026-11-27T10:10:00+25:00"),
            SIWETests.message(chain: "01"),
            SIWETests.message().replacingOccurrences(of: "URI: ", with: "Uri: "),
            SIWETests.message() + "\nExtra: line",
            SIWETests.message().replacingOccurrences(
                of: SIWETests.key.address.checksummed, with: SIWETests.key.address.lowercased),
        ])
    func malformed(_ text: String) {
        #expect(throws: SIWEError.self) { try SIWEMessage(parsing: text) }
    }

    @Test("a wrong signature is refused")
    func wrongSignature() async {
        let text = Self.message()
        let sig = try! PersonalSign.sign(Array("other".utf8), with: Self.key)
        await #expect(throws: SIWEError.addressMismatch) {
            try await Self.verifier().verify(message: text, signature: sig, nonces: TestNonces(["abcdef123456"]))
        }
        await #expect(throws: SIWEError.signature(.wrongLength(3))) {
            try await Self.verifier().verify(message: text, signature: [1, 2, 3], nonces: TestNonces(["abcdef123456"]))
        }
    }
}

func date(rfc3339 s: String) -> Date {
    RFC3339.parseStrict(s)!
}

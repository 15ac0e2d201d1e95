import ChainWatcher
import Ethereum
import Foundation
import HummingbirdTesting
import Server
import Signer
import TestSupport
import Testing
import Timekeeping

@Suite("Wallet linking with Sign-In with Ethereum")
struct SIWETests {
    /// A nonce from the server and an EIP-4361 message naming what it asked for.
    struct Challenge {
        let nonce: String
        let message: String
    }

    static func challenge(
        _ client: any TestClientProtocol, token: String, key: PrivateKey, domain: String? = nil, chainID: Int? = nil,
        expiration: String? = nil
    ) async throws -> Challenge {
        let r = try await client.send(.post, "/api/v1/auth/siwe/nonce", token: token)
        #expect(r.status == .created)
        let j = try r.json()
        let nonce = try #require(j["nonce"] as? String)
        let chains = try #require(j["chain_ids"] as? [Int])
        var lines = [
            "\(j["scheme"] as! String)://\(domain ?? j["domain"] as! String) wants you to sign in with your Ethereum account:",
            key.address.checksummed, "",
            "Link this wallet to GP4U.", "", "URI: \(j["uri"] as! String)", "Version: 1",
            "Chain ID: \(chainID ?? chains[0])",
            "Nonce: \(nonce)", "Issued At: \(j["issued_at"] as! String)",
        ]
        if let expiration { lines.append("Expiration Time: \(expiration)") }
        return Challenge(nonce: nonce, message: lines.joined(separator: "\n"))
    }

    static func verify(_ client: any TestClientProtocol, token: String, _ c: Challenge, key: PrivateKey) async throws
        -> TestResponse
    {
        let signature = Hex.encode(try PersonalSign.sign(Array(c.message.utf8), with: key))
        let body = try JSONSerialization.data(withJSONObject: ["message": c.message, "signature": signature])
        return try await client.send(
            .post, "/api/v1/auth/siwe/verify", json: String(decoding: body, as: UTF8.self), token: token)
    }

    @Test("a signed message links the address once; the nonce cannot be replayed", arguments: Backend.available)
    func links(backend: Backend) async throws {
        try await TestApp.with(backend) { client, deps in
            let token = try await client.signupAndLogin(email: "siwe@example.com")
            let key = PrivateKey.generate()
            let c = try await Self.challenge(client, token: token, key: key)
            let ok = try await Self.verify(client, token: token, c, key: key)
            #expect(ok.status == .ok)
            #expect(try ok.json()["address"] as? String == key.address.checksummed)
            #expect(try ok.json()["linked_addresses"] as? [String] == [key.address.checksummed])
            #expect(try await deps.store.owner(of: key.address) != nil)
            let replay = try await Self.verify(client, token: token, c, key: key)
            #expect(replay.status == .unprocessableContent)
            #expect(replay.errorCode == "siwe_nonce_invalid")
            // Linking again with a fresh nonce is harmless.
            let again = try await Self.verify(
                client, token: token, try await Self.challenge(client, token: token, key: key), key: key)
            #expect(again.status == .ok)
            #expect(try again.json()["linked_addresses"] as? [String] == [key.address.checksummed])
        }
    }

    @Test(
        "one address belongs to one account; a nonce only serves the account it was issued to",
        arguments: Backend.available)
    func oneAccount(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            let alice = try await client.signupAndLogin(email: "alice@example.com")
            let bob = try await client.signupAndLogin(email: "bob@example.com")
            let key = PrivateKey.generate()
            #expect(
                try await Self.verify(
                    client, token: alice, try await Self.challenge(client, token: alice, key: key), key: key
                ).status == .ok)
            let taken = try await Self.verify(
                client, token: bob, try await Self.challenge(client, token: bob, key: key), key: key)
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "address_linked_elsewhere")
            let other = PrivateKey.generate()
            let alicesNonce = try await Self.challenge(client, token: alice, key: other)
            let stolen = try await Self.verify(client, token: bob, alicesNonce, key: other)
            #expect(stolen.errorCode == "siwe_nonce_invalid")
        }
    }

    @Test("wrong site, chain, time, signer or encoding is refused with a code")
    func refusals() async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(.sqlite, clock: clock) { client, _ in
            let token = try await client.signupAndLogin(email: "r@example.com")
            let key = PrivateKey.generate()
            let wrongSite = try await Self.challenge(client, token: token, key: key, domain: "evil.example")
            #expect(try await Self.verify(client, token: token, wrongSite, key: key).errorCode == "siwe_wrong_site")
            let wrongChain = try await Self.challenge(client, token: token, key: key, chainID: 56)
            #expect(
                try await Self.verify(client, token: token, wrongChain, key: key).errorCode == "siwe_unsupported_chain")
            let expiring = try await Self.challenge(client, token: token, key: key, expiration: "2027-01-15T08:05:00Z")
            clock.advance(by: .seconds(400))
            #expect(try await Self.verify(client, token: token, expiring, key: key).errorCode == "siwe_expired")
            let c = try await Self.challenge(client, token: token, key: key)
            #expect(
                try await Self.verify(client, token: token, c, key: PrivateKey.generate()).errorCode
                    == "siwe_bad_signature")
            let badHex = try await client.send(
                .post, "/api/v1/auth/siwe/verify", json: #"{"message":"x","signature":"zz"}"#, token: token)
            #expect(badHex.status == .unprocessableContent)
            #expect(badHex.errorCode == "validation_failed")
            #expect(try await client.send(.post, "/api/v1/auth/siwe/nonce").status == .unauthorized)
        }
    }
}

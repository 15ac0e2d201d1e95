import Ethereum
import Foundation
import HummingbirdTesting
import Server
import Signer
import TestSupport
import Testing
import Timekeeping

@Suite("Logging in with Sign-In with Ethereum")
struct SIWELoginTests {
    /// A login nonce for `address` and the message naming what the server asked for.
    static func challenge(
        _ client: any TestClientProtocol, key: PrivateKey, address: String? = nil, expiration: Bool = true
    ) async throws -> SIWETests.Challenge {
        let r = try await client.send(
            .post, "/api/v1/auth/siwe/login/nonce", json: #"{"address":"\#(address ?? key.address.checksummed)"}"#)
        #expect(r.status == .created)
        let j = try r.json()
        let nonce = try #require(j["nonce"] as? String)
        let chains = try #require(j["chain_ids"] as? [Int])
        var lines = [
            "\(j["scheme"] as! String)://\(j["domain"] as! String) wants you to sign in with your Ethereum account:",
            key.address.checksummed, "", "Sign in to GP4U.", "", "URI: \(j["uri"] as! String)", "Version: 1",
            "Chain ID: \(chains[0])", "Nonce: \(nonce)", "Issued At: \(j["issued_at"] as! String)",
        ]
        if expiration { lines.append("Expiration Time: \(j["expiration_time"] as! String)") }
        return SIWETests.Challenge(nonce: nonce, message: lines.joined(separator: "\n"))
    }

    static func login(_ client: any TestClientProtocol, _ c: SIWETests.Challenge, key: PrivateKey) async throws
        -> TestResponse
    {
        let signature = Hex.encode(try PersonalSign.sign(Array(c.message.utf8), with: key))
        let body = try JSONSerialization.data(withJSONObject: ["message": c.message, "signature": signature])
        return try await client.send(.post, "/api/v1/auth/siwe/login", json: String(decoding: body, as: UTF8.self))
    }

    /// Signs up, logs in and links `key`'s address with the wallet-linking routes.
    static func linkedAccount(_ client: any TestClientProtocol, email: String, key: PrivateKey) async throws -> String {
        let token = try await client.signupAndLogin(email: email)
        let c = try await SIWETests.challenge(client, token: token, key: key)
        #expect(try await SIWETests.verify(client, token: token, c, key: key).status == .ok)
        return token
    }

    @Test("a linked address logs in like a password login; the nonce works once", arguments: Backend.available)
    func login(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            let key = PrivateKey.generate()
            _ = try await Self.linkedAccount(client, email: "wallet@example.com", key: key)
            let c = try await Self.challenge(client, key: key)
            let ok = try await Self.login(client, c, key: key)
            #expect(ok.status == .ok)
            let j = try ok.json()
            #expect(j["token_type"] as? String == "bearer")
            #expect(j["expires_in"] as? Int == 3600)
            let token = try #require(j["access_token"] as? String)
            let me = try await client.send(.get, "/api/v1/auth/me", token: token)
            #expect(me.status == .ok)
            #expect(try me.json()["email"] as? String == "wallet@example.com")
            // The same signed message again: the nonce is spent.
            let replay = try await Self.login(client, c, key: key)
            #expect(replay.status == .unprocessableContent)
            #expect(replay.errorCode == "siwe_nonce_invalid")
            // A lower-case address asks for the same account's nonce.
            let lower = try await Self.challenge(client, key: key, address: key.address.lowercased)
            #expect(try await Self.login(client, lower, key: key).status == .ok)
        }
    }

    @Test("an unlinked address gets a nonce like any other but cannot log in", arguments: Backend.available)
    func unlinked(backend: Backend) async throws {
        try await TestApp.with(backend) { client, deps in
            let key = PrivateKey.generate()
            _ = try await client.signupAndLogin(email: "nolink@example.com")
            let c = try await Self.challenge(client, key: key)
            let r = try await Self.login(client, c, key: key)
            #expect(r.status == .unauthorized)
            #expect(r.errorCode == "wallet_not_linked")
            #expect(try await deps.store.owner(of: key.address) == nil)
            // A forged signature for that address learns nothing about linking.
            let forged = try await Self.login(client, try await Self.challenge(client, key: key), key: .generate())
            #expect(forged.errorCode == "siwe_bad_signature")
        }
    }

    @Test("a nonce serves only the account owning the address it was issued for")
    func nonceBinding() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let alice = PrivateKey.generate()
            let bob = PrivateKey.generate()
            _ = try await Self.linkedAccount(client, email: "alice@example.com", key: alice)
            _ = try await Self.linkedAccount(client, email: "bob@example.com", key: bob)
            // Bob signs a message that carries the nonce issued for Alice's address.
            let alicesNonce = try await Self.challenge(client, key: alice)
            let stolen = SIWETests.Challenge(
                nonce: alicesNonce.nonce,
                message: alicesNonce.message.replacingOccurrences(
                    of: alice.address.checksummed, with: bob.address.checksummed))
            let r = try await Self.login(client, stolen, key: bob)
            #expect(r.errorCode == "siwe_nonce_invalid")
            // Alice's nonce is still good for Alice.
            #expect(try await Self.login(client, alicesNonce, key: alice).status == .ok)
        }
    }

    @Test("a refused signature leaves the nonce usable; an expired message is refused")
    func refusals() async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(.sqlite, clock: clock) { client, _ in
            let key = PrivateKey.generate()
            _ = try await Self.linkedAccount(client, email: "r@example.com", key: key)
            let c = try await Self.challenge(client, key: key)
            #expect(try await Self.login(client, c, key: .generate()).errorCode == "siwe_bad_signature")
            #expect(try await Self.login(client, c, key: key).status == .ok)
            let late = try await Self.challenge(client, key: key)
            clock.advance(by: .seconds(601))
            #expect(try await Self.login(client, late, key: key).errorCode == "siwe_expired")
            let noExpiry = try await Self.challenge(client, key: key, expiration: false)
            clock.advance(by: .seconds(601))
            #expect(try await Self.login(client, noExpiry, key: key).errorCode == "siwe_nonce_invalid")
        }
    }

    @Test("bad input is a 4xx with the contract's codes, never a 500")
    func badInput() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let cases: [(String, String, Int, String)] = [
                ("/api/v1/auth/siwe/login/nonce", #"{"address":"0x1234"}"#, 422, "validation_failed"),
                ("/api/v1/auth/siwe/login/nonce", #"{}"#, 422, "validation_failed"),
                ("/api/v1/auth/siwe/login/nonce", #"{"address":"#, 400, "malformed_json"),
                ("/api/v1/auth/siwe/login", #"{"message":"x","signature":"zz"}"#, 422, "validation_failed"),
                ("/api/v1/auth/siwe/login", #"{"message":"x"}"#, 422, "validation_failed"),
                ("/api/v1/auth/siwe/login", #"{"message":"hello","signature":"0x00"}"#, 422, "siwe_malformed"),
            ]
            for (path, body, status, code) in cases {
                let r = try await client.send(.post, path, json: body)
                #expect(r.status.code == status, "\(path) \(body)")
                #expect(r.errorCode == code, "\(path) \(body)")
            }
            let form = try await client.send(
                .post, "/api/v1/auth/siwe/login", json: "a=b", headers: [.contentType: "text/plain"])
            #expect(form.status == .unsupportedMediaType)
        }
    }

    /// Found by schemathesis: the nonce answers 429 past the per-address limit, and the
    /// document did not say so (the test client checks every answer against it).
    @Test("login nonces are limited per address, with a documented 429")
    func nonceLimit() async throws {
        var limits = TestApp.limits
        limits.checksPerIP = 2
        try await TestApp.with(.sqlite, limits: limits) { client, _ in
            let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
            var answers: [TestResponse] = []
            for _ in 0..<3 {
                answers.append(
                    try await client.send(
                        .post, "/api/v1/auth/siwe/login/nonce", json: #"{"address":"\#(key.address.checksummed)"}"#))
            }
            #expect(answers.map(\.status) == [.created, .created, .tooManyRequests])
            #expect(answers.last?.errorCode == "too_many_attempts")
        }
    }
}

import Brokerage
import ChainWatcher
import Ethereum
import Foundation
import HummingbirdTesting
import Server
import Storage
import TestSupport
import Testing
import Timekeeping

/// What a renter meets before a machine is rented: which offers book here, the SSH key a
/// rental needs, and the machine on the booking (its owner only).
@Suite("Machine routes")
struct MachineRoutesTests {
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2 me@laptop"
    /// Real money: a chain is watched (simulated deposits stay on for the test's funding).
    static let polygon = ChainConfiguration(
        chainID: 137, name: "Polygon PoS", rpcEndpoints: [], usdc: WithdrawalFixtures.token,
        depositAddress: WithdrawalFixtures.hot, confirmations: 128, pollInterval: .seconds(2))

    /// The app with real money, renting Vast.ai, an offer of Vast and of io.net, and a
    /// renter with $20 (whose token the body gets).
    static func withMarket(
        _ backend: Backend,
        _ body: @escaping @Sendable (any TestClientProtocol, String, ManualTimeSource) async throws -> Void
    ) async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(backend, clock: clock, chains: [polygon], rentingProviders: ["vastai"]) { client, deps in
            try await seed(deps.store, at: clock.epochSeconds)
            deps.market.replace(with: MarketIndex(offers: try await deps.store.allOffers(), builtAt: clock.now))
            let alice = try await client.signupAndLogin(email: "alice@example.com")
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"20"}"#, token: alice)
            try await body(client, alice, clock)
        }
    }

    static func seed(_ store: SQLStore, at now: Int64) async throws {
        let model = try #require(GPUModel.lookup("RTX 4090"))
        for provider in [ProviderID.vastai, .ionet] {
            let offer = Offer(
                provider: provider, externalID: "1", model: model, providerModelName: "RTX 4090", gpuCount: 1,
                vramGB: 24, pricePerHour: try USDC(parsing: "2.5"), location: OfferLocation(region: "T", country: "US"),
                available: true, reliability: 0.99, lastSynced: Date(timeIntervalSince1970: TimeInterval(now)),
                priceKind: .firm)
            _ = try await store.replaceOffers(
                from: provider, with: [offer], at: Date(timeIntervalSince1970: TimeInterval(now)))
        }
    }

    static func booking(_ gpuID: String, clock: ManualTimeSource) -> String {
        let start = clock.epochSeconds - clock.epochSeconds % 3600 + 48 * 3600
        func iso(_ t: Int64) -> String { Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601) }
        return #"{"gpu_id":"\#(gpuID)","start_time":"\#(iso(start))","end_time":"\#(iso(start + 3600))"}"#
    }

    @Test(
        "with real money, offers of providers not rented here link out (409 not_bookable with book_url)",
        arguments: Backend.available)
    func notBookable(backend: Backend) async throws {
        try await Self.withMarket(backend) { client, alice, clock in
            let offers = try await client.send(.get, "/api/v1/gpus/search").json()["items"] as? [[String: Any]] ?? []
            let byID = Dictionary(uniqueKeysWithValues: offers.map { ($0["id"] as? String ?? "", $0) })
            #expect(byID["vastai-1"]?["bookable"] as? Bool == true)
            #expect(byID["vastai-1"]?["book_url"] == nil)
            #expect(byID["ionet-1"]?["bookable"] as? Bool == false)
            #expect(byID["ionet-1"]?["book_url"] as? String == "https://cloud.io.net/")

            let refused = try await client.send(
                .post, "/api/v1/reservations", json: Self.booking("ionet-1", clock: clock), token: alice)
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "not_bookable")
            let details = try refused.json()["error"] as? [String: Any]
            #expect((details?["details"] as? [String: String])?["book_url"] == "https://cloud.io.net/")
        }
    }

    @Test(
        "a rental needs the renter's SSH key; the key is checked and fingerprinted; the machine is the owner's to see",
        arguments: Backend.available)
    func sshKeyAndMachine(backend: Backend) async throws {
        try await Self.withMarket(backend) { client, alice, clock in
            let body = Self.booking("vastai-1", clock: clock)
            let noKey = try await client.send(.post, "/api/v1/reservations", json: body, token: alice)
            #expect(noKey.status == .unprocessableContent)
            #expect(noKey.errorCode == "ssh_key_required")

            let short = try await client.send(
                .put, "/api/v1/auth/me", json: #"{"ssh_public_key":"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAAQC="}"#,
                token: alice)
            #expect(short.status == .unprocessableContent)
            #expect(short.errorCode == "validation_failed")
            let saved = try await client.send(
                .put, "/api/v1/auth/me", json: #"{"ssh_public_key":"\#(Self.key)"}"#, token: alice)
            #expect(saved.status == .ok)
            #expect(
                try saved.json()["ssh_key_fingerprint"] as? String
                    == "SHA256:ryeyNJmoKoneYQhClS/97amOTzPz+ZOD+ApHHeOXV5M")
            #expect(
                try await client.send(.get, "/api/v1/auth/me", token: alice).json()["ssh_public_key"] as? String
                    == Self.key)

            let booked = try await client.send(.post, "/api/v1/reservations", json: body, token: alice)
            #expect(booked.status == .created)
            let id = try #require(try booked.json()["id"] as? String)
            let mine = try await client.send(.get, "/api/v1/reservations/\(id)", token: alice).json()
            let machine = try #require(mine["machine"] as? [String: Any])
            #expect(machine["status"] as? String == "booked")
            #expect(machine["ssh_host"] is NSNull)
            let bob = try await client.signupAndLogin(email: "bob@example.com")
            #expect(try await client.send(.get, "/api/v1/reservations/\(id)", token: bob).status == .notFound)

            let removed = try await client.send(
                .put, "/api/v1/auth/me", json: #"{"ssh_public_key":null}"#, token: alice)
            #expect(removed.status == .ok)
            #expect(try removed.json()["ssh_public_key"] is NSNull)
        }
    }

    @Test(
        "a substitute needs a ceiling at or above the offer's price, and the booking shows it",
        arguments: Backend.available)
    func substituteCeiling(backend: Backend) async throws {
        try await Self.withMarket(backend) { client, alice, clock in
            _ = try await client.send(
                .put, "/api/v1/auth/me", json: #"{"ssh_public_key":"\#(Self.key)"}"#, token: alice)
            let base = String(Self.booking("vastai-1", clock: clock).dropLast())
            for (extra, field) in [
                (#","substitute":true"#, "max_price_per_hour"), (#","max_price_per_hour":"3""#, "substitute"),
                (#","substitute":true,"max_price_per_hour":"2""#, "max_price_per_hour"),
            ] {
                let refused = try await client.send(
                    .post, "/api/v1/reservations", json: base + extra + "}", token: alice)
                #expect(refused.status == .unprocessableContent, "\(extra)")
                let error = try refused.json()["error"] as? [String: Any]
                #expect((error?["details"] as? [String: String])?[field] != nil, "\(extra)")
            }
            let booked = try await client.send(
                .post, "/api/v1/reservations", json: base + #","substitute":true,"max_price_per_hour":"3"}"#,
                token: alice)
            #expect(booked.status == .created)
            #expect(try booked.json()["max_price_per_hour"] as? String == "3.00")
        }
    }
}

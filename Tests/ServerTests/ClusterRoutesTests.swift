import Brokerage
import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Storage
import TestSupport
import Testing
import Timekeeping

/// `/api/v1/clusters` end to end. The market is two RTX 4090s (perf 100 each):
/// `vastai-1` at 2.50/h and `vastai-2` at 3.00/h. The test clock starts on the hour, so
/// clusters start now.
@Suite("Clusters over HTTP")
struct ClusterRoutesTests {
    static let key = HTTPField.Name("Idempotency-Key")!
    /// 400 perf-hours within 2 hours: both GPUs for 2 hours, 2 × 5.50 = 11.00.
    static let both = #"{"job_name":"train","compute_intensity":400,"vram_gb":24,"deadline_hours":2}"#

    @Test(
        "estimate: the cheapest plan, or 422 with the reason's code; nothing is booked or charged",
        arguments: Backend.available)
    func estimate(backend: Backend) async throws {
        try await Self.withMarket(backend) { client, deps in
            let token = try await client.signupAndLogin(email: "a@example.com")
            let r = try await client.send(.post, "/api/v1/clusters/estimate", json: Self.both, token: token)
            #expect(r.status == .ok)
            let plan = try r.json()
            #expect(plan["feasible"] as? Bool == true && plan["estimated_hours"] as? Int == 2)
            #expect(try Self.money(plan["total_cost"]) == USDC(micro: 11_000_000))
            let members = try #require(plan["members"] as? [[String: Any]])
            #expect(Set(members.compactMap { $0["gpu_id"] as? String }) == ["vastai-1", "vastai-2"])
            #expect(
                members.allSatisfy {
                    $0["contribution"] as? Double == 0.5 && $0["perf_score"] as? Double == 100
                        && $0["provider"] as? String == "vastai"
                })

            let cases: [(String, String)] = [
                (
                    #"{"job_name":"x","compute_intensity":400,"vram_gb":24,"deadline_hours":1}"#,
                    "insufficient_throughput"
                ),
                (#"{"job_name":"x","compute_intensity":100,"vram_gb":80,"deadline_hours":5}"#, "no_eligible_offers"),
                (
                    #"{"job_name":"x","compute_intensity":400,"vram_gb":24,"deadline_hours":2,"max_gpus":1}"#,
                    "max_gpus_too_low"
                ),
                (
                    #"{"job_name":"x","compute_intensity":400,"vram_gb":24,"deadline_hours":2,"max_hourly_budget":"5"}"#,
                    "budget_too_low"
                ),
            ]
            for (body, code) in cases {
                let bad = try await client.send(.post, "/api/v1/clusters/estimate", json: body, token: token)
                #expect(bad.status == .unprocessableContent, "\(body)")
                #expect(bad.errorCode == code)
                let details = try #require((try bad.json()["error"] as? [String: Any])?["details"] as? [String: String])
                #expect(details["feasible"] == "false" && !(details["reason"] ?? "").isEmpty)
            }
            for body in [
                #"{"job_name":"x","compute_intensity":-5,"vram_gb":24,"deadline_hours":2}"#,
                #"{"job_name":"x","compute_intensity":400,"vram_gb":24,"deadline_hours":0}"#,
                #"{"job_name":"","compute_intensity":400,"vram_gb":24,"deadline_hours":2}"#,
            ] {
                let bad = try await client.send(.post, "/api/v1/clusters/estimate", json: body, token: token)
                #expect(bad.status == .unprocessableContent && bad.errorCode == "validation_failed", "\(body)")
            }
            #expect(try await client.send(.post, "/api/v1/clusters/estimate", json: Self.both).status == .unauthorized)
            #expect(try await deps.store.bookings(gpuID: "vastai-1", from: 0, to: Int64.max / 2).isEmpty)
            #expect(try await deps.store.entriesTotal() == .zero)
        }
    }

    @Test(
        "create holds the cost (idempotent by key), short funds are 402 with nothing written",
        arguments: Backend.available)
    func create(backend: Backend) async throws {
        try await Self.withMarket(backend) { client, deps in
            let alice = try await client.signupAndLogin(email: "alice@example.com")
            let bob = try await client.signupAndLogin(email: "bob@example.com")
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"20"}"#, token: alice)
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"10.99"}"#, token: bob)

            let poor = try await client.send(.post, "/api/v1/clusters", json: Self.both, token: bob)
            #expect(poor.status.code == 402 && poor.errorCode == "insufficient_funds")
            let bobBalance = try await client.send(.get, "/api/v1/wallets/balance", token: bob).json()
            #expect(
                try Self.money(bobBalance["available"]) == USDC(micro: 10_990_000)
                    && (Self.money(bobBalance["held"])) == .zero)
            #expect(try Self.items(try await client.send(.get, "/api/v1/clusters", token: bob)).isEmpty)

            let created = try await client.send(
                .post, "/api/v1/clusters/", json: Self.both, token: alice, headers: [Self.key: "c-1"])
            #expect(created.status == .created)
            let c = try created.json()
            #expect(try c["status"] as? String == "held" && (Self.money(c["total_cost"])) == USDC(micro: 11_000_000))
            let replay = try await client.send(
                .post, "/api/v1/clusters/", json: Self.both, token: alice, headers: [Self.key: "c-1"])
            #expect(replay.status == .created && String(buffer: replay.body) == String(buffer: created.body))
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let balance = try await client.send(.get, "/api/v1/wallets/balance", token: alice).json()
            #expect(try Self.money(balance["available"]) == USDC(micro: 9_000_000))
            #expect(try Self.money(balance["held"]) == USDC(micro: 11_000_000))
            #expect(try Self.items(try await client.send(.get, "/api/v1/clusters", token: alice)).count == 1)

            // Its GPUs are now taken for those hours: for bookings and for the next plan.
            let id = try #require(c["id"] as? String)
            let now = deps.clock.epochSeconds
            let clash = try await client.send(
                .post, "/api/v1/reservations",
                json:
                    #"{"gpu_id":"vastai-1","start_time":"\#(Self.iso(now + 3600))","end_time":"\#(Self.iso(now + 7200))"}"#,
                token: alice)
            #expect(clash.status == .conflict && clash.errorCode == "slot_taken")
            let again = try await client.send(.post, "/api/v1/clusters/estimate", json: Self.both, token: alice)
            #expect(again.errorCode == "no_eligible_offers" || again.errorCode == "no_offers", "\(id) holds both GPUs")
            #expect(try await deps.store.entriesTotal() == .zero)
        }
    }

    @Test(
        "start then complete pays each member by contribution minus the fee; other moves are 409",
        arguments: Backend.available)
    func completion(backend: Backend) async throws {
        let clock = ManualTimeSource()
        try await Self.withMarket(backend, clock: clock) { client, deps in
            let alice = try await client.signupAndLogin(email: "alice@example.com")
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"20"}"#, token: alice)
            let id = try #require(
                try await client.send(.post, "/api/v1/clusters", json: Self.both, token: alice).json()["id"] as? String)

            let early = try await client.send(.post, "/api/v1/clusters/\(id)/complete", token: alice)
            #expect(early.status == .conflict && early.errorCode == "invalid_transition")
            let started = try await client.send(.post, "/api/v1/clusters/\(id)/start", token: alice)
            #expect(try started.status == .ok && (started.json()["status"] as? String) == "running")
            clock.advance(by: .seconds(1800))
            let done = try await client.send(
                .post, "/api/v1/clusters/\(id)/complete", token: alice, headers: [Self.key: "done-1"])
            #expect(done.status == .ok)
            let body = try done.json()
            #expect(
                try body["status"] as? String == "completed" && (Self.money(body["charged"])) == USDC(micro: 11_000_000)
            )
            // 11.00: 1.10 fee; 9.90 split 1:1, both to Vast.ai's upstream earnings.
            #expect(try await deps.store.balance(of: .revenue) == USDC(micro: 1_100_000))
            #expect(try await deps.store.balance(of: .earnings(user: "upstream:vastai")) == USDC(micro: 9_900_000))
            let balance = try await client.send(.get, "/api/v1/wallets/balance", token: alice).json()
            #expect(
                try Self.money(balance["held"]) == .zero
                    && (Self.money(balance["total_spent"])) == USDC(micro: 11_000_000))
            #expect(try await deps.store.entriesTotal() == .zero)
            #expect(try await deps.store.accountsOutOfBalance().isEmpty)
            let replay = try await client.send(
                .post, "/api/v1/clusters/\(id)/complete", token: alice, headers: [Self.key: "done-1"])
            #expect(replay.status == .ok && String(buffer: replay.body) == String(buffer: done.body))
            for verb in ["start", "complete", "fail"] {
                let r = try await client.send(.post, "/api/v1/clusters/\(id)/\(verb)", token: alice)
                #expect(r.status == .conflict && r.errorCode == "invalid_transition", "\(verb)")
            }
            #expect(try await deps.store.balance(of: .revenue) == USDC(micro: 1_100_000))
        }
    }

    @Test("fail refunds un-run hours; other users get 404, an operator may act", arguments: Backend.available)
    func failureAndOwnership(backend: Backend) async throws {
        let clock = ManualTimeSource()
        try await Self.withMarket(backend, clock: clock) { client, deps in
            let alice = try await client.signupAndLogin(email: "alice@example.com")
            let bob = try await client.signupAndLogin(email: "bob@example.com")
            _ = try await deps.accounts.signup(
                email: "op@example.com", password: "correct horse battery", role: .operator)
            let login = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"op@example.com","password":"correct horse battery"}"#)
            let op = try #require(try login.json()["access_token"] as? String)
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"20"}"#, token: alice)
            // 400 perf-hours within 4 hours: vastai-1 alone for 4 hours, 10.00.
            let plan = #"{"job_name":"long","compute_intensity":400,"vram_gb":24,"deadline_hours":4}"#
            let c = try await client.send(.post, "/api/v1/clusters", json: plan, token: alice).json()
            let id = try #require(c["id"] as? String)
            #expect(try Self.money(c["total_cost"]) == USDC(micro: 10_000_000))

            for (method, path) in [(HTTPRequest.Method.get, ""), (.post, "/start"), (.post, "/fail")] {
                let r = try await client.send(method, "/api/v1/clusters/\(id)\(path)", token: bob)
                #expect(r.status == .notFound, "\(path)")
            }
            #expect(try await client.send(.get, "/api/v1/clusters/\(id)", token: op).status == .ok)
            #expect(try await client.send(.post, "/api/v1/clusters/\(id)/start", token: op).status == .ok)

            // Failed 1 h 30 min after start: 2 started hours (5.00) paid, 5.00 back.
            clock.advance(by: .seconds(5400))
            let again = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"alice@example.com","password":"correct horse battery"}"#)
            let failed = try await client.send(
                .post, "/api/v1/clusters/\(id)/fail", token: try #require(try again.json()["access_token"] as? String))
            #expect(failed.status == .ok)
            let body = try failed.json()
            #expect(body["status"] as? String == "failed")
            #expect(
                try Self.money(body["refunded"]) == USDC(micro: 5_000_000)
                    && (Self.money(body["charged"])) == USDC(micro: 5_000_000))
            let balance = try await deps.store.summary(
                userID: try #require(try await deps.store.cluster(id: id)?.userID))
            #expect(balance.available == USDC(micro: 15_000_000) && balance.held == .zero)
            #expect(body["started_at"] as? String != nil && body["finished_at"] as? String != nil)
            #expect(try await deps.store.balance(of: .earnings(user: "upstream:vastai")) == USDC(micro: 4_500_000))
            #expect(try await deps.store.entriesTotal() == .zero)
        }
    }

    // MARK: - Helpers

    /// The app with two offers in the store and in the market index.
    static func withMarket(
        _ backend: Backend, clock: ManualTimeSource = ManualTimeSource(),
        _ body: @escaping @Sendable (any TestClientProtocol, AppDependencies) async throws -> Void
    ) async throws {
        try await TestApp.with(backend, clock: clock) { client, deps in
            let model = try #require(GPUModel.lookup("RTX 4090"))
            let synced = Date(timeIntervalSince1970: TimeInterval(clock.epochSeconds))
            let offers = try [("1", "2.5"), ("2", "3")].map { id, price in
                Offer(
                    provider: .vastai, externalID: id, model: model, providerModelName: "RTX 4090", gpuCount: 1,
                    vramGB: 24,
                    pricePerHour: try USDC(parsing: price), location: OfferLocation(region: "Test", country: "US"),
                    available: true,
                    reliability: 0.99, lastSynced: synced, priceKind: .firm)
            }
            _ = try await deps.store.replaceOffers(from: .vastai, with: offers, at: synced)
            deps.market.replace(with: MarketIndex(offers: try await deps.store.allOffers(), builtAt: synced))
            try await body(client, deps)
        }
    }

    static func money(_ value: Any?) throws -> USDC { try USDC(parsing: try #require(value as? String)) }
    static func items(_ r: TestResponse) throws -> [[String: Any]] { try r.json()["items"] as? [[String: Any]] ?? [] }
    static func iso(_ t: Int64) -> String { Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601) }
}

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

@Suite("Wallet and reservations over HTTP")
struct WalletReservationTests {
    static let key = HTTPField.Name("Idempotency-Key")!

    @Test("simulated deposits are idempotent by key", arguments: Backend.available)
    func depositIdempotency(backend: Backend) async throws {
        try await TestApp.with(backend) { client, deps in
            let token = try await client.signupAndLogin(email: "dep@example.com")
            let first = try await client.send(
                .post, "/api/v1/wallets/deposit", json: #"{"amount":"100.50"}"#, token: token, headers: [Self.key: "k1"]
            )
            #expect(first.status == .created)
            #expect(try first.json()["simulated"] as? Bool == true)
            let again = try await client.send(
                .post, "/api/v1/wallets/deposit", json: #"{"amount":"100.50"}"#, token: token, headers: [Self.key: "k1"]
            )
            #expect(again.status == .created)
            #expect(String(buffer: again.body) == String(buffer: first.body))
            let other = try await client.send(
                .post, "/api/v1/wallets/deposit", json: #"{"amount":"5"}"#, token: token, headers: [Self.key: "k1"])
            #expect(other.status == .conflict)
            #expect(other.errorCode == "idempotency_key_reused")
            let balance = try await client.send(.get, "/api/v1/wallets/balance", token: token).json()
            #expect(balance["available"] as? String == "100.50")
            #expect(balance["total_deposited"] as? String == "100.50")
            #expect(try await deps.store.entriesTotal() == .zero)
        }
    }

    @Test(
        "a response that cannot be stored takes its money movement back with it; the retry moves the money once",
        arguments: Backend.available)
    func idempotentResponseInTheSameTransaction(backend: Backend) async throws {
        try await TestApp.with(backend) { client, deps in
            let token = try await client.signupAndLogin(email: "atomic@example.com")
            let db = deps.store.db
            // A fault injected where the answer is stored, after the deposit was posted.
            if db.dialect == .postgres {
                try await db.query(
                    "CREATE FUNCTION refuse_answer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$"
                )
                try await db.query(
                    "CREATE TRIGGER refuse_answer BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION refuse_answer()"
                )
            } else {
                try await db.query(
                    "CREATE TRIGGER refuse_answer BEFORE UPDATE ON idempotency_keys BEGIN SELECT RAISE(ABORT, 'injected'); END"
                )
            }
            func deposit() async throws -> TestResponse {
                try await client.send(
                    .post, "/api/v1/wallets/deposit", json: #"{"amount":"7.25"}"#, token: token,
                    headers: [Self.key: "k"])
            }
            let failed = try await deposit()
            #expect(failed.status.code >= 500)
            var balance = try await client.send(.get, "/api/v1/wallets/balance", token: token).json()
            #expect(balance["available"] as? String == "0.00")
            #expect(try await db.query("SELECT key FROM idempotency_keys", []).isEmpty)

            try await db.query("DROP TRIGGER refuse_answer" + (db.dialect == .postgres ? " ON idempotency_keys" : ""))
            #expect(try await deposit().status == .created)
            let replay = try await deposit()
            #expect(replay.status == .created && replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            balance = try await client.send(.get, "/api/v1/wallets/balance", token: token).json()
            #expect(balance["available"] as? String == "7.25")
            #expect(try await deps.store.entriesTotal() == .zero)
        }
    }

    @Test("deposit validation and the simulation switch")
    func depositValidation() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let token = try await client.signupAndLogin(email: "v@example.com")
            for bad in [
                #"{"amount":"-1"}"#, #"{"amount":"1.1234567"}"#, #"{"amount":"1e3"}"#, #"{"amount":"0"}"#,
                #"{"amount":12}"#,
            ] {
                let r = try await client.send(.post, "/api/v1/wallets/deposit", json: bad, token: token)
                #expect(r.status == .unprocessableContent, "\(bad)")
            }
            #expect(
                try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"1"}"#).status
                    == .unauthorized)
        }
        try await TestApp.with(.sqlite, simulation: false) { client, _ in
            let token = try await client.signupAndLogin(email: "v@example.com")
            let r = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"1"}"#, token: token)
            #expect(r.status == .forbidden)
            #expect(r.errorCode == "simulation_disabled")
        }
    }

    @Test("book, overlap, short funds, calendar, cancel, history", arguments: Backend.available)
    func reservationFlow(backend: Backend) async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(backend, clock: clock) { client, deps in
            try await Self.seedOffer(deps.store, at: clock.epochSeconds)
            let alice = try await client.signupAndLogin(email: "alice@example.com")
            let bob = try await client.signupAndLogin(email: "bob@example.com")
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"20"}"#, token: alice)
            let base = clock.epochSeconds - clock.epochSeconds % 3600 + 48 * 3600
            func iso(_ t: Int64) -> String { Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601) }
            let body = #"{"gpu_id":"vastai-1","start_time":"\#(iso(base))","end_time":"\#(iso(base + 4 * 3600))"}"#

            let booked = try await client.send(.post, "/api/v1/reservations/", json: body, token: alice)
            #expect(booked.status == .created)
            let r = try booked.json()
            #expect(r["total_cost"] as? String == "10.00")
            #expect(r["status"] as? String == "confirmed")
            let id = try #require(r["id"] as? String)

            let clash = try await client.send(.post, "/api/v1/reservations", json: body, token: bob)
            #expect(clash.status == .conflict)
            #expect(clash.errorCode == "slot_taken")
            let poor = try await client.send(
                .post, "/api/v1/reservations",
                json:
                    #"{"gpu_id":"vastai-1","start_time":"\#(iso(base + 10 * 3600))","end_time":"\#(iso(base + 12 * 3600))"}"#,
                token: bob)
            #expect(poor.status.code == 402)
            #expect(poor.errorCode == "insufficient_funds")
            let ragged = try await client.send(
                .post, "/api/v1/reservations",
                json: #"{"gpu_id":"vastai-1","start_time":"\#(iso(base + 90))","end_time":"\#(iso(base + 3600))"}"#,
                token: alice)
            #expect(ragged.status == .unprocessableContent)
            let past = try await client.send(
                .post, "/api/v1/reservations",
                json:
                    #"{"gpu_id":"vastai-1","start_time":"\#(iso(base - 96 * 3600))","end_time":"\#(iso(base - 95 * 3600))"}"#,
                token: alice)
            #expect(past.status == .unprocessableContent)
            let nogpu = try await client.send(
                .post, "/api/v1/reservations",
                json: #"{"gpu_id":"nope","start_time":"\#(iso(base))","end_time":"\#(iso(base + 3600))"}"#,
                token: alice)
            #expect(nogpu.status == .notFound)

            let calendar = try await client.send(
                .get, "/api/v1/gpus/vastai-1/availability?from=\(iso(base - 3600))&to=\(iso(base + 6 * 3600))")
            let blocks = try #require(try calendar.json()["blocks"] as? [[String: String]])
            #expect(blocks.map { $0["status"]! } == ["free", "booked", "free"])
            #expect(blocks[1]["start_time"] == iso(base) && blocks[1]["end_time"] == iso(base + 4 * 3600))
            for (query, field) in [
                ("from=9999-12-31T00:00:00Z", "to"), ("from=\(iso(base + 200 * 86400))", "to"),
                ("from=1971-01-01T00:00:00Z&to=1971-01-02T00:00:00Z", "from"),
            ] {
                let far = try await client.send(.get, "/api/v1/gpus/vastai-1/availability?\(query)")
                #expect(far.status == .unprocessableContent && far.errorField == field, "\(query)")
            }

            #expect(try await client.send(.get, "/api/v1/reservations/\(id)", token: bob).status == .notFound)
            let list = try await client.send(.get, "/api/v1/reservations", token: alice).json()
            #expect((list["items"] as? [Any])?.count == 1)

            let cancelled = try await client.send(.delete, "/api/v1/reservations/\(id)/cancel", token: alice)
            #expect(cancelled.status == .ok)
            #expect(try cancelled.json()["refunded"] as? String == "10.00")
            #expect((try cancelled.json()["cancellation_policy"] as? String)?.contains("24 hours") == true)

            let history = try await client.send(.get, "/api/v1/wallets/transactions?limit=2", token: alice).json()
            let items = try #require(history["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items[0]["type"] as? String == "reservation_release")
            #expect(items.allSatisfy { $0["balance_after"] is String })
            let cursor = try #require(history["next_cursor"] as? String)
            let rest = try await client.send(.get, "/api/v1/wallets/transactions?cursor=\(cursor)", token: alice).json()
            #expect((rest["items"] as? [Any])?.count == 3)
            #expect(rest["next_cursor"] is NSNull || rest["next_cursor"] == nil)
            #expect(try await deps.store.entriesTotal() == .zero)
            #expect(try await deps.store.accountsOutOfBalance().isEmpty)
        }
    }

    @Test("spending analytics per day and category")
    func analytics() async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(.sqlite, clock: clock) { client, deps in
            try await Self.seedOffer(deps.store, at: clock.epochSeconds)
            var token = try await client.signupAndLogin(email: "an@example.com")
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"50"}"#, token: token)
            let start = clock.epochSeconds - clock.epochSeconds % 3600 + 3600
            func iso(_ t: Int64) -> String { Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601) }
            _ = try await client.send(
                .post, "/api/v1/reservations",
                json: #"{"gpu_id":"vastai-1","start_time":"\#(iso(start))","end_time":"\#(iso(start + 2 * 3600))"}"#,
                token: token)
            clock.advance(by: .seconds(3600))
            _ = try await deps.store.advanceLifecycle(now: clock.epochSeconds, fee: .default, limit: 10)
            token =
                try await client.send(
                    .post, "/api/v1/auth/login", json: #"{"email":"an@example.com","password":"correct horse battery"}"#
                )
                .json()["access_token"] as! String
            let response = try await client.send(.get, "/api/v1/wallets/analytics?days=7", token: token)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let a = try response.json()
            #expect(a["total_spent"] as? String == "5.00")
            #expect((a["by_category"] as? [String: String])?["reservation_capture"] == "5.00")
            #expect((a["daily"] as? [Any])?.count == 7)
            #expect(
                try await client.send(.get, "/api/v1/wallets/analytics?days=0", token: token).status
                    == .unprocessableContent)
        }
    }

    @Test(
        "a sample offer books only with simulated money, and the booking says so; with a chain watched it is 409 sample_offer",
        arguments: [false, true])
    func sampleOfferBooking(realMoney: Bool) async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(.sqlite, clock: clock, chains: realMoney ? [MachineRoutesTests.polygon] : []) {
            client, deps in
            try await Self.seedOffer(deps.store, at: clock.epochSeconds, source: .sample)
            let alice = try await client.signupAndLogin(email: "alice@example.com")
            _ = try await client.send(.post, "/api/v1/wallets/deposit", json: #"{"amount":"20"}"#, token: alice)
            let base = clock.epochSeconds - clock.epochSeconds % 3600 + 48 * 3600
            func iso(_ t: Int64) -> String { Date(timeIntervalSince1970: TimeInterval(t)).formatted(.iso8601) }
            let body = #"{"gpu_id":"vastai-1","start_time":"\#(iso(base))","end_time":"\#(iso(base + 3600))"}"#
            let booked = try await client.send(.post, "/api/v1/reservations", json: body, token: alice)
            if realMoney {
                #expect(booked.status == .conflict)
                #expect(booked.errorCode == "sample_offer")
                #expect(
                    try await client.send(.get, "/api/v1/wallets/balance", token: alice).json()["held"] as? String
                        == "0.00")
            } else {
                #expect(booked.status == .created)
                let notice = try booked.json()["notice"] as? String
                #expect(notice?.contains("simulated money") == true)
            }
        }
    }

    static func seedOffer(_ store: SQLStore, at now: Int64, source: OfferOrigin = .live) async throws {
        let offer = Offer(
            provider: .vastai, externalID: "1", model: try #require(GPUModel.lookup("RTX 4090")),
            providerModelName: "RTX 4090",
            gpuCount: 1, vramGB: 24, pricePerHour: try USDC(parsing: "2.5"),
            location: OfferLocation(region: "Test", country: "US"),
            available: true, reliability: 0.99, lastSynced: Date(timeIntervalSince1970: TimeInterval(now)),
            priceKind: .firm, source: source)
        _ = try await store.replaceOffers(
            from: .vastai, with: [offer], at: Date(timeIntervalSince1970: TimeInterval(now)))
    }
}

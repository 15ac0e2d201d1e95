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

/// Withdrawals over HTTP: what a request refuses and why, the list and cancel routes,
/// idempotency, and a simulated payout settled by an operator's approval.
@Suite("Withdrawals over HTTP")
struct WithdrawalRoutesTests {
    static let key = HTTPField.Name("Idempotency-Key")!
    static let recipient = WithdrawalFixtures.recipient.checksummed

    /// A renter with `deposit` of simulated USDC; returns the token.
    static func renter(_ client: any TestClientProtocol, _ email: String, deposit: String = "100") async throws
        -> String
    {
        let token = try await client.signupAndLogin(email: email)
        let d = try await client.send(
            .post, "/api/v1/wallets/deposit", json: #"{"amount":"\#(deposit)"}"#, token: token)
        precondition(d.status == .created)
        return token
    }

    static func withdraw(
        _ client: any TestClientProtocol, _ token: String, _ body: String, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await client.send(.post, "/api/v1/wallets/withdraw", json: body, token: token, headers: headers)
    }

    @Test("requests made in one second are listed newest first, across pages", arguments: Backend.available)
    func newestFirstWithinASecond(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in  // the test clock stands still
            let token = try await Self.renter(client, "w@example.com")
            var made: [String] = []
            for _ in 0..<5 {
                let r = try await Self.withdraw(
                    client, token, #"{"amount":"10","chain_id":137,"to":"\#(Self.recipient)"}"#)
                made.append(try #require(try r.json()["id"] as? String))
            }
            var listed: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(
                    .get, "/api/v1/wallets/withdrawals?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token
                ).json()
                listed += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(listed == made.reversed())
        }
    }

    @Test(
        "simulated mode: request, list, operator approval settles as simulated; others see nothing",
        arguments: Backend.available)
    func simulatedPayout(backend: Backend) async throws {
        try await TestApp.with(backend) { client, deps in
            let token = try await Self.renter(client, "w@example.com")
            let r = try await Self.withdraw(
                client, token, #"{"amount":"40","chain_id":137,"to":"\#(Self.recipient)"}"#)
            #expect(r.status == .created)
            let w = try r.json()
            let id = try #require(w["id"] as? String)
            #expect(w["status"] as? String == "requested" && w["simulated"] as? Bool == true)
            #expect(w["amount"] as? String == "40.00" && w["to"] as? String == Self.recipient)
            #expect(w["approvals"] as? Int == 0 && w["approvals_required"] as? Int == 1)
            var balance = try await client.send(.get, "/api/v1/wallets/balance", token: token).json()
            #expect(balance["available"] as? String == "60.00" && balance["held"] as? String == "40.00")

            let list = try await client.send(.get, "/api/v1/wallets/withdrawals", token: token).json()
            #expect((list["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            #expect(list["next_cursor"] == nil)
            let other = try await client.signupAndLogin(email: "other@example.com")
            #expect(try await client.send(.get, "/api/v1/wallets/withdrawals/\(id)", token: other).status == .notFound)
            #expect(
                try await client.send(.post, "/api/v1/wallets/withdrawals/\(id)/cancel", token: other).status
                    == .notFound)

            let ops = try await deps.store.createUser(
                User(
                    id: "ops-1", email: try Email("ops@example.com"), passwordHash: "x", role: .operator,
                    createdAt: deps.clock.epochSeconds))
            _ = try await deps.store.changeWithdrawal(id: id) {
                try WithdrawalLifecycle.approve(
                    $0, by: ops.id, policy: deps.withdrawals.policy, now: deps.clock.epochSeconds)
            }
            let done = try await client.send(.get, "/api/v1/wallets/withdrawals/\(id)", token: token).json()
            #expect(done["status"] as? String == "confirmed" && done["simulated"] as? Bool == true)
            #expect(done["tx_hash"] == nil && done["finished_at"] is String)
            balance = try await client.send(.get, "/api/v1/wallets/balance", token: token).json()
            #expect(balance["held"] as? String == "0.00" && balance["total_withdrawn"] as? String == "40.00")
            let history = try await client.send(.get, "/api/v1/wallets/transactions", token: token).json()
            let kinds = (history["items"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
            #expect(kinds.contains("simulated_withdrawal") && kinds.contains("withdrawal_hold"))
            #expect(try await deps.store.entriesTotal() == .zero)
        }
    }

    @Test("bad requests are 4xx with the field named, and write nothing")
    func refusals() async throws {
        var config = WithdrawalConfiguration()
        config.policy = WithdrawalPolicy(
            minimum: USDC(micro: 1_000_000), maximum: USDC(micro: 50_000_000), dailyLimit: USDC(micro: 60_000_000))
        try await TestApp.with(
            .sqlite, withdrawals: config, withdrawalChains: [1337: WithdrawalFixtures.chain]
        ) { client, deps in
            let token = try await Self.renter(client, "r@example.com", deposit: "200")
            let lower = Self.recipient.lowercased()
            let badChecksum = "0x90f79bf6EB2c4f870365E785982E1f101E93b906"
            let cases: [(String, Int, String)] = [
                (#"{"amount":"0.5","chain_id":1337,"to":"\#(lower)"}"#, 422, "amount"),
                (#"{"amount":"51","chain_id":1337,"to":"\#(lower)"}"#, 422, "amount"),
                (#"{"amount":"-1","chain_id":1337,"to":"\#(lower)"}"#, 422, "amount"),
                (#"{"amount":"5","chain_id":1337,"to":"\#(badChecksum)"}"#, 422, "to"),
                (#"{"amount":"5","chain_id":1337,"to":"0x1234"}"#, 422, "to"),
                (#"{"amount":"5","chain_id":1337,"to":"0x0000000000000000000000000000000000000000"}"#, 422, "to"),
                (#"{"amount":"5","chain_id":1337,"to":"\#(WithdrawalFixtures.token.checksummed)"}"#, 422, "to"),
                (#"{"amount":"5","chain_id":1337,"to":"\#(WithdrawalFixtures.hot.checksummed)"}"#, 422, "to"),
                (
                    #"{"amount":"5","chain_id":1337,"to":"\#(WithdrawalFixtures.depositAddress.checksummed)"}"#, 422,
                    "to"
                ),
                (#"{"amount":"5","chain_id":137,"to":"\#(lower)"}"#, 422, "chain_id"),
                (#"{"amount":"5","chain_id":1337,"to":"\#(lower)","source":"savings"}"#, 422, "source"),
            ]
            for (body, status, field) in cases {
                let r = try await Self.withdraw(client, token, body)
                #expect(r.status.code == status, "\(body): \(String(buffer: r.body))")
                let details = (try r.json()["error"] as? [String: Any])?["details"] as? [String: String]
                #expect(details?[field] != nil, "\(body) should name \(field): \(String(buffer: r.body))")
            }
            let missing = try await Self.withdraw(client, token, #"{"amount":"5"}"#)
            #expect(missing.status == .unprocessableContent && String(buffer: missing.body).contains("chain_id"))
            #expect(try await deps.store.withdrawals(userID: "x", after: nil, limit: 10).isEmpty)
            #expect(
                try await client.send(.get, "/api/v1/wallets/balance", token: token).json()["held"] as? String == "0.00"
            )

            // Limits: 50 now, 10 more later in the day fit 60; anything beyond is refused.
            #expect(
                try await Self.withdraw(client, token, #"{"amount":"50","chain_id":1337,"to":"\#(lower)"}"#).status
                    == .created)
            let over = try await Self.withdraw(
                client, token, #"{"amount":"10.000001","chain_id":1337,"to":"\#(lower)"}"#)
            #expect(over.status == .unprocessableContent && over.errorCode == "daily_limit_exceeded")
            #expect(
                (try over.json()["error"] as? [String: Any]).flatMap { $0["details"] as? [String: String] }?[
                    "remaining"] == "10.00")
            let poor = try await Self.renter(client, "p@example.com", deposit: "3")
            let short = try await Self.withdraw(client, poor, #"{"amount":"4","chain_id":1337,"to":"\#(lower)"}"#)
            #expect(short.status.code == 402 && short.errorCode == "insufficient_funds")
        }
    }

    @Test("cancel releases the hold once; requests and cancels are idempotent by key", arguments: Backend.available)
    func cancelAndIdempotency(backend: Backend) async throws {
        try await TestApp.with(backend) { client, deps in
            let token = try await Self.renter(client, "c@example.com")
            let body = #"{"amount":"25","chain_id":1,"to":"\#(Self.recipient)"}"#
            let first = try await Self.withdraw(client, token, body, headers: [Self.key: "w-1"])
            let again = try await Self.withdraw(client, token, body, headers: [Self.key: "w-1"])
            #expect(first.status == .created && again.status == .created)
            #expect(String(buffer: again.body) == String(buffer: first.body))
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let id = try #require(try first.json()["id"] as? String)
            let owner = try #require(try await deps.store.withdrawal(id: id)).userID
            #expect(try await deps.store.withdrawals(userID: owner, after: nil, limit: 10).count == 1)

            let cancel = try await client.send(
                .post, "/api/v1/wallets/withdrawals/\(id)/cancel", token: token, headers: [Self.key: "c-1"])
            let cancelled = try cancel.json()["status"] as? String
            #expect(cancel.status == .ok && cancelled == "cancelled")
            let replay = try await client.send(
                .post, "/api/v1/wallets/withdrawals/\(id)/cancel", token: token, headers: [Self.key: "c-1"])
            #expect(replay.status == .ok && String(buffer: replay.body) == String(buffer: cancel.body))
            let twice = try await client.send(.post, "/api/v1/wallets/withdrawals/\(id)/cancel", token: token)
            #expect(twice.status == .conflict && twice.errorCode == "invalid_transition")
            let balance = try await client.send(.get, "/api/v1/wallets/balance", token: token).json()
            #expect(balance["available"] as? String == "100.00" && balance["held"] as? String == "0.00")
            #expect(try await deps.store.entriesTotal() == .zero)
        }
    }
}

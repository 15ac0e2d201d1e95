import Brokerage
import ChainWatcher
import Ethereum
import Foundation
import Hummingbird
import Testing

@testable import Server

@Suite("Every list has one shape")
struct ListShapeTests {
    @Test("each GET list route pages with limit/cursor and answers {items, next_cursor}")
    func everyListRoute() async throws {
        try await TestApp.with(.sqlite) { client, deps in
            // `/provider/earnings` is a balance with its latest entries (limit bounds the
            // entries), not a list.
            let lists = buildRouter(deps).routes.all.filter { spec in
                spec.method == .get && (spec.parameters.contains("limit") || spec.parameters.contains("cursor"))
                    && spec.path != "/api/v1/provider/earnings"
            }
            #expect(lists.count >= 5)
            #expect(lists.contains { $0.path == "/api/v1/wallets/deposits" })
            let token = try await client.signupAndLogin(email: "lists@example.com")
            for spec in lists {
                #expect(
                    spec.parameters.contains("limit") && spec.parameters.contains("cursor"),
                    "\(spec.path) takes both limit and cursor")
                guard spec.access != .operator, !spec.path.contains("{") else { continue }
                let r = try await client.send(.get, spec.path + "?limit=1", token: token)
                #expect(r.status == .ok, "\(spec.path)")
                guard r.status == .ok else { continue }
                let body = try r.json()
                #expect(body["items"] is [Any], "\(spec.path) answers items")
                #expect(Set(body.keys).isSubset(of: ["items", "next_cursor"]), "\(spec.path): \(body.keys.sorted())")
            }
        }
    }

    @Test("deposits page one at a time without repeats or gaps; a cursor the server did not issue is a 422")
    func depositPages() async throws {
        try await TestApp.with(.sqlite) { client, deps in
            let token = try await client.signupAndLogin(email: "payer@example.com")
            let user = try #require(try await deps.store.user(email: Email("payer@example.com")))
            let from = try Address(parsing: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
            _ = try await deps.store.link(from, userID: user.id, chainID: 1337, at: 0)
            func hash(_ n: UInt8) throws -> Hash32 { try Hash32(bytes: [UInt8](repeating: n, count: 32)) }
            let deposits = try (1...3).map { (n: UInt8) in
                Deposit(
                    key: DepositKey(chainID: 1337, transactionHash: try hash(n), logIndex: 0), from: from,
                    to: try Address(parsing: "0x1111111111111111111111111111111111111111"),
                    amount: USDC(micro: Int64(n) * 1_000_000), block: BlockRef(number: UInt64(n), hash: try hash(n)))
            }
            _ = try await deps.store.creditDeposits(
                deposits, advancingCursorTo: BlockRef(number: 3, hash: try hash(3)), chainID: 1337)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(
                    .get, "/api/v1/wallets/deposits?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token
                ).json()
                let items = try #require(page["items"] as? [[String: Any]])
                #expect(items.count == 1)
                seen += items.compactMap { $0["tx_hash"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil && seen.count < 10
            #expect(seen.count == 3 && Set(seen).count == 3)
            for forged in [Int.max, -1] {
                let cursor = Cursor.encode(String(forged))
                let r = try await client.send(.get, "/api/v1/wallets/deposits?limit=1&cursor=\(cursor)", token: token)
                #expect(r.status == .unprocessableContent && r.errorField == "cursor", "\(forged)")
            }
        }
    }
}

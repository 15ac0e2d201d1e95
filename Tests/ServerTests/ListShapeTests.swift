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
}

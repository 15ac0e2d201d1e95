import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Storage
import TestSupport
import Testing

@Suite("Operations")
struct OperationsTests {
    @Test("health, ready and metrics", arguments: Backend.available)
    func probes(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            let health = try await client.send(.get, "/health")
            #expect(health.status == .ok)
            #expect(try health.json()["status"] as? String == "ok")
            let ready = try await client.send(.get, "/ready")
            #expect(ready.status == .ok)
            #expect(try ready.json()["database"] as? String == "ok")
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(String(buffer: metrics.body).contains("gp4u_http_requests_total"))
        }
    }

    @Test("metrics carry the process figures and each request's wait for the database")
    func processFigures() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            _ = try await client.send(.get, "/ready")
            let text = String(buffer: try await client.send(.get, "/metrics").body)
            func value(_ name: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap {
                    Double($0.split(separator: " ")[1])
                }
            }
            #expect((value("process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect((value("process_open_fds") ?? 0) >= 3)
            #expect((value("gp4u_heap_in_use_bytes") ?? 0) > 0)
            #expect(text.contains("gp4u_http_request_db_wait_seconds_bucket"))
            #expect((value("gp4u_http_request_db_wait_seconds_count") ?? 0) >= 1)
            // Every request is counted; only a database that reports its waits adds to the sum.
            #expect((value("gp4u_http_request_db_wait_seconds_sum") ?? 0) > 0, "/ready waited for a connection")
        }
    }

    @Test("the OpenAPI document lists exactly the routes that exist")
    func openAPIMatchesRoutes() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let store = SQLStore(db: db)
            let deps = AppDependencies(
                store: store,
                accounts: AccountService(
                    store: store, tokens: await TokenService(secret: String(repeating: "s", count: 32)),
                    throttle: LoginThrottle(attempts: store), bcryptCost: 4),
                version: "test")
            let (router, _) = buildRouter(deps)
            let fromRouter = Set(router.routes.map { "\($0.method.rawValue) \(Self.normalise("\($0.path)"))" })
            try await Application(router: router).test(.router) { client in
                let doc = try await client.send(.get, "/api/v1/openapi.json")
                #expect(doc.status == .ok)
                let json = try doc.json()
                #expect(json["openapi"] as? String == "3.1.0")
                let paths = try #require(json["paths"] as? [String: [String: Any]])
                let fromDoc = Set(
                    paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(Self.normalise(path))" } })
                #expect(fromRouter == fromDoc)
                #expect(fromDoc.contains("POST \(Self.normalise("/api/v1/auth/login"))"))

                let page = try await client.send(.get, "/api/v1/docs")
                #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
                let html = String(buffer: page.body)
                for path in paths.keys { #expect(html.contains(path)) }
                #expect(!html.contains("http://") || !html.contains("<script src"))
                #expect(!html.contains("<link"))
            }
        }
    }

    /// `/a/:id` and `/a/{id}` name the same route.
    static func normalise(_ path: String) -> String {
        path.split(separator: "/").map { $0.hasPrefix(":") ? "{}" : ($0.hasPrefix("{") ? "{}" : String($0)) }.joined(
            separator: "/")
    }
}

import Brokerage
import Ethereum
import Foundation
import Hummingbird
import HummingbirdTesting
import JSON
import Storage
import TestSupport
import Testing

@testable import Server

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

    @Test("every operation documents its success body and every error status the error shape")
    func openAPIDescribesBodies() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let doc = try JSONDecoder().decode(
                JSONValue.self, from: Data(buffer: try await client.send(.get, "/api/v1/openapi.json").body))
            guard case .object(let paths)? = doc["paths"] else {
                Issue.record("no paths")
                return
            }
            for (path, item) in paths {
                guard case .object(let operations) = item else { continue }
                for (method, operation) in operations {
                    guard case .object(let responses)? = operation["responses"] else { continue }
                    let name = "\(method.uppercased()) \(path)"
                    #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(name) has no success status")
                    for (status, response) in responses where status.hasPrefix("2") && status != "204" {
                        #expect(response["content"] != nil, "\(name) \(status) has no content")
                        if let json = response["content"]?["application/json"] {
                            #expect(json["schema"]?["type"] != nil || path == "/api/v1/openapi.json", "\(name)")
                        }
                    }
                    for (status, response) in responses
                    where Int(status) ?? 0 >= 400 && !(path == "/ready" && status == "503") {
                        #expect(
                            response["content"]?["application/json"]?["schema"]?["$ref"]
                                == "#/components/schemas/Error", "\(name) \(status)")
                    }
                    if path.contains("{") { #expect(responses["404"] != nil, "\(name) can answer 404") }
                }
            }
        }
    }

    struct Probe: Codable {
        enum Kind: String, Codable, CaseIterable, SchemaDescribed { case spot, reserved }
        struct Leg: Codable { let hours: Int }
        let id: String
        let price: USDC
        let kind: Kind
        let legs: [Leg]
        let tags: [String: Double]
        let note: String?
        let score: Nullable<Double>
        var simulated = true
    }

    @Test("schemas come from the types: optional keys are not required, Nullable is nullable, maps and enums")
    func schemaFromType() throws {
        let schema = try SchemaDecoder.schema(of: Probe.self)
        let expected: JSONValue = [
            "type": "object",
            "required": ["id", "kind", "legs", "price", "score", "simulated", "tags"],
            "properties": [
                "id": ["type": "string"], "price": USDC.schema,
                "kind": ["type": "string", "enum": ["spot", "reserved"]],
                "legs": [
                    "type": "array",
                    "items": ["type": "object", "required": ["hours"], "properties": ["hours": ["type": "integer"]]],
                ],
                "tags": ["type": "object", "additionalProperties": ["type": "number"]],
                "note": ["type": "string"], "score": ["type": ["number", "null"]], "simulated": ["type": "boolean"],
            ],
        ]
        #expect(schema == expected)
        let snake = try SchemaDecoder.schema(of: ProviderHealthSnapshot.Cache.self, keys: .snakeCase)
        #expect(snake["properties"]?["stale_served"] == ["type": "integer"])
        #expect(snake["properties"]?["staleServed"] == nil)
    }

    @Test("request schemas come from the body type; annotations add to it and may not name keys it does not read")
    func requestSchemaFromType() throws {
        let schema = try RouteSpec.requestSchema(
            Probe.self,
            annotations: ["required": ["note"], "properties": ["note": ["example": "hi"], "id": ["minLength": 1]]])
        #expect(schema["properties"]?["note"] == ["type": "string", "example": "hi"])
        #expect(schema["properties"]?["id"] == ["type": "string", "minLength": 1])
        #expect(schema["properties"]?["price"] == USDC.schema)
        #expect(schema["required"] == ["id", "kind", "legs", "note", "price", "score", "simulated", "tags"])
        #expect(throws: RouteSpec.AnnotationDrift.self) {
            try RouteSpec.requestSchema(Probe.self, annotations: ["properties": ["nope": ["type": "string"]]])
        }
    }

    @Test("the validator refuses what the document does not say")
    func schemaValidatorCatchesDrift() throws {
        let schema = try SchemaDecoder.schema(of: Probe.self)
        let validator = SchemaValidator(document: [:])
        let good: JSONValue = [
            "id": "a", "price": "1.50", "kind": "spot", "legs": [["hours": 2]], "tags": ["x": .number(1.5)],
            "score": .null,
            "simulated": false,
        ]
        #expect(validator.errors(good, schema) == [])
        func broken(_ key: String, _ value: JSONValue?) -> JSONValue {
            guard case .object(var members) = good else { return good }
            members[key] = value
            return .object(members)
        }
        #expect(validator.errors(broken("extra", 1), schema).count == 1)
        #expect(validator.errors(broken("id", nil), schema).count == 1)
        #expect(validator.errors(broken("price", .number(1.5)), schema).count == 1)
        #expect(validator.errors(broken("price", "1.5"), schema).count == 1)
        #expect(validator.errors(broken("kind", "later"), schema).count == 1)
        #expect(validator.errors(broken("legs", [["hours": .number(1.5)]]), schema).count == 1)
        #expect(validator.errors(broken("tags", ["x": "y"]), schema).count == 1)
    }

    /// `/a/:id` and `/a/{id}` name the same route.
    static func normalise(_ path: String) -> String {
        path.split(separator: "/").map { $0.hasPrefix(":") ? "{}" : ($0.hasPrefix("{") ? "{}" : String($0)) }.joined(
            separator: "/")
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// Every kind of bad input gets the contract's 4xx and code, never a 500.
@Suite("Error contract")
struct ErrorContractTests {
    @Test("unknown route is 404 not_found")
    func unknownRoute() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let r = try await client.send(.get, "/api/v1/nothing-here")
            #expect(r.status == .notFound)
            #expect(r.errorCode == "not_found")
            #expect(r.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test("wrong method is 405 with Allow")
    func wrongMethod() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let r = try await client.send(.delete, "/api/v1/auth/login")
            #expect(r.status == .methodNotAllowed)
            #expect(r.errorCode == "method_not_allowed")
            #expect(r.headers[.allow] == "POST")
        }
    }

    @Test("malformed JSON is 400 malformed_json")
    func malformedJSON() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let r = try await client.send(.post, "/api/v1/auth/signup", json: #"{"email": "a@b.co", "password": "#)
            #expect(r.status == .badRequest)
            #expect(r.errorCode == "malformed_json")
        }
    }

    @Test("missing and mistyped fields are 422 naming the field")
    func fieldErrors() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let missing = try await client.send(.post, "/api/v1/auth/signup", json: #"{"email":"a@example.com"}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(
                ((try missing.json()["error"] as? [String: Any])?["details"] as? [String: String])?["password"] != nil)
            let typed = try await client.send(
                .post, "/api/v1/auth/signup", json: #"{"email":"a@example.com","password":12}"#)
            #expect(typed.status == .unprocessableContent)
            #expect(typed.errorCode == "validation_failed")
        }
    }

    @Test("bodies over 1 MiB are 413 payload_too_large")
    func oversized() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let big = #"{"email":"a@example.com","password":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            let r = try await client.send(.post, "/api/v1/auth/signup", json: big)
            #expect(r.status == .contentTooLarge)
            #expect(r.errorCode == "payload_too_large")
        }
    }

    @Test("a body that is not JSON is 415 unsupported_media_type")
    func wrongContentType() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let r = try await client.send(
                .post, "/api/v1/auth/signup", json: #"{"email":"a@example.com","password":"long enough pw"}"#,
                headers: [.contentType: "text/plain"])
            #expect(r.status == .unsupportedMediaType)
            #expect(r.errorCode == "unsupported_media_type")
        }
    }

    @Test("collection routes work with a trailing slash")
    func trailingSlash() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let r = try await client.send(
                .post, "/api/v1/auth/signup/", json: #"{"email":"slash@example.com","password":"long enough pw"}"#)
            #expect(r.status == .created)
        }
    }

    @Test("responses carry a request id; a client's own id is echoed")
    func requestID() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let r = try await client.send(.get, "/health")
            let id = try #require(r.headers[HTTPField.Name("X-Request-Id")!])
            #expect(!id.isEmpty && id != "unknown")
            let next = try await client.send(.get, "/health")
            #expect(next.headers[HTTPField.Name("X-Request-Id")!] != id)
            let mine = try await client.send(.get, "/health", headers: [HTTPField.Name("X-Request-Id")!: "abc-123"])
            #expect(mine.headers[HTTPField.Name("X-Request-Id")!] == "abc-123")
        }
    }
}

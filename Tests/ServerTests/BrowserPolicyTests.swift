import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// What browsers and caches are told: security headers on every answer, private answers
/// never stored, CORS only for configured origins, and a bad token refused only where a
/// token is needed.
@Suite("Security headers, caching and CORS")
struct BrowserPolicyTests {
    static let origin = "https://app.example.com"

    @Test("a bad or foreign Authorization header does not break public routes, and private ones name it")
    func badTokensOnPublicRoutes() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            for header in ["Bearer not-a-token", "Basic Zm9vOmJhcg==", "Bearer"] {
                let health = try await client.send(.get, "/health", headers: [.authorization: header])
                #expect(health.status == .ok, "\(header)")
                let search = try await client.send(.get, "/api/v1/gpus/search", headers: [.authorization: header])
                #expect(search.status == .ok, "\(header)")
                let me = try await client.send(.get, "/api/v1/auth/me", headers: [.authorization: header])
                #expect(me.status == .unauthorized && me.errorCode == "invalid_token", "\(header)")
            }
            #expect(try await client.send(.get, "/api/v1/auth/me").errorCode == "unauthenticated")
        }
    }

    @Test("every answer carries the security headers; JSON may run nothing, the web app only its own files")
    func securityHeaders() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let token = try await client.signupAndLogin(email: "headers@example.com")
            let answers = [
                try await client.send(.get, "/health"),
                try await client.send(.get, "/api/v1/nowhere"),
                try await client.send(.get, "/api/v1/auth/me"),
                try await client.send(.delete, "/health"),
                try await client.send(.get, "/api/v1/wallets/balance", token: token),
                try await client.send(.post, "/api/v1/auth/login", json: "{"),
            ]
            for r in answers {
                #expect(r.headers[.xContentTypeOptions] == "nosniff", "\(r.status)")
                #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                let csp = try #require(r.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"))
            }
            let page = try await client.send(.get, "/")
            if page.status == .ok {
                let csp = try #require(page.headers[.contentSecurityPolicy])
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
            }
            let docs = try await client.send(.get, "/api/v1/docs")
            #expect(docs.headers[.contentSecurityPolicy]?.contains("script-src") == false)
        }
    }

    @Test("private answers and every write are no-store; public reads may be cached")
    func caching() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let token = try await client.signupAndLogin(email: "cache@example.com")
            #expect(
                try await client.send(.get, "/api/v1/wallets/balance", token: token).headers[.cacheControl]
                    == "no-store")
            #expect(try await client.send(.get, "/api/v1/auth/me", token: token).headers[.cacheControl] == "no-store")
            let login = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"cache@example.com","password":"correct horse battery"}"#)
            #expect(login.status == .ok && login.headers[.cacheControl] == "no-store")
            #expect(try await client.send(.get, "/api/v1/gpus/search").headers[.cacheControl] != "no-store")
        }
    }

    @Test("CORS is off by default: OPTIONS answers Allow, and no origin is granted")
    func corsOff() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let preflight = try await client.send(
                .options, "/api/v1/gpus/search",
                headers: [.origin: Self.origin, .accessControlRequestMethod: "GET"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.allow]?.contains("GET") == true)
            #expect(preflight.headers[.accessControlAllowOrigin] == nil)
            let get = try await client.send(.get, "/api/v1/gpus/search", headers: [.origin: Self.origin])
            #expect(get.status == .ok && get.headers[.accessControlAllowOrigin] == nil)
            #expect(try await client.send(.options, "/api/v1/nowhere").status == .notFound)
        }
    }

    @Test("configured origins get preflights, answers and errors; others get nothing")
    func corsOn() async throws {
        let policy = try CORSPolicy.parse("https://APP.example.com/, http://localhost:3000")
        try await TestApp.with(.sqlite, cors: policy) { client, _ in
            let preflight = try await client.send(
                .options, "/api/v1/wallets/withdraw",
                headers: [
                    .origin: Self.origin, .accessControlRequestMethod: "POST",
                    .accessControlRequestHeaders: "authorization, content-type",
                ])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == Self.origin)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            #expect(preflight.headers[.accessControlAllowCredentials] == nil)

            let denied = try await client.send(
                .options, "/api/v1/wallets/withdraw",
                headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"])
            #expect(denied.headers[.accessControlAllowOrigin] == nil)

            let error = try await client.send(.get, "/api/v1/auth/me", headers: [.origin: "http://localhost:3000"])
            #expect(error.status == .unauthorized)
            #expect(error.headers[.accessControlAllowOrigin] == "http://localhost:3000")
            #expect(error.headers[.accessControlExposeHeaders]?.contains("Retry-After") == true)
            #expect(error.headers[.vary] == "Origin")
        }
    }

    @Test("GP4U_CORS_ORIGINS takes * or origins, nothing else")
    func corsConfiguration() throws {
        #expect(try CORSPolicy.parse("").isOff)
        #expect(try CORSPolicy.parse("*").allowOrigin(for: "https://x.example") == "*")
        #expect(try CORSPolicy.parse("https://a.example:8443").origins == ["https://a.example:8443"])
        for bad in [
            "a.example", "https://a.example/path", "ftp://a.example", "https://a.example?x=1", "*, https://a.example",
        ] {
            #expect(throws: ConfigError.self, "\(bad)") { try CORSPolicy.parse(bad) }
        }
    }
}

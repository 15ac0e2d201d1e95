import Brokerage
import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Server
import Storage
import TestSupport
import Testing
import Timekeeping

@Suite("Server")
struct ServerTests {
    @Test("signup → login → me → patch me", arguments: Backend.available)
    func accountFlow(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            let signup = try await client.send(
                .post, "/api/v1/auth/signup", json: #"{"email":"Ada@Example.com","password":"correct horse battery"}"#)
            #expect(signup.status == .created)
            let user = try signup.json()
            #expect(user["email"] as? String == "ada@example.com")
            #expect(user["role"] as? String == "renter")
            #expect((user["created_at"] as? String)?.hasSuffix("Z") == true)
            #expect(user["password_hash"] == nil)

            let login = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"ada@example.com","password":"correct horse battery"}"#)
            #expect(login.status == .ok)
            let body = try login.json()
            #expect(body["token_type"] as? String == "bearer")
            #expect(body["expires_in"] as? Int == 3600)
            let token = try #require(body["access_token"] as? String)

            let me = try await client.send(.get, "/api/v1/auth/me", token: token)
            #expect(me.status == .ok)
            #expect(try me.json()["id"] as? String == user["id"] as? String)

            let patched = try await client.send(
                .patch, "/api/v1/auth/me", json: #"{"theme_preference":"dark"}"#, token: token)
            #expect(try patched.json()["theme_preference"] as? String == "dark")
            let bad = try await client.send(
                .patch, "/api/v1/auth/me", json: #"{"theme_preference":"neon"}"#, token: token)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.errorCode == "validation_failed")
        }
    }

    @Test("login accepts an OAuth2 password form", arguments: Backend.available)
    func formLogin(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            _ = try await client.signupAndLogin(email: "form@example.com", password: "p@ss word+plus&more")
            let form = try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=form%40example.com&password=p%40ss+word%2Bplus%26more"))
            #expect(form.status == .ok)
            #expect(try form.json()["access_token"] is String)
        }
    }

    @Test("signup refuses a taken email, a bad email and a weak password", arguments: Backend.available)
    func signupValidation(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            _ = try await client.signupAndLogin(email: "taken@example.com")
            let dup = try await client.send(
                .post, "/api/v1/auth/signup", json: #"{"email":"TAKEN@example.com","password":"another long one"}"#)
            #expect(dup.status == .conflict)
            #expect(dup.errorCode == "email_taken")
            let email = try await client.send(
                .post, "/api/v1/auth/signup", json: #"{"email":"not-an-email","password":"long enough pw"}"#)
            #expect(email.status == .unprocessableContent)
            #expect((try email.json()["error"] as? [String: Any])?["details"] as? [String: String] != nil)
            let weak = try await client.send(
                .post, "/api/v1/auth/signup", json: #"{"email":"w@example.com","password":"short"}"#)
            #expect(weak.status == .unprocessableContent)
            let role = try await client.send(
                .post, "/api/v1/auth/signup",
                json: #"{"email":"op@example.com","password":"long enough pw","role":"operator"}"#)
            #expect(role.status == .unprocessableContent)
        }
    }

    @Test("unknown email and wrong password get the same answer")
    func sameErrorForUnknownEmail() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            _ = try await client.signupAndLogin(email: "known@example.com")
            let wrong = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"known@example.com","password":"wrong password!"}"#)
            let unknown = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"nobody@example.com","password":"wrong password!"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(String(buffer: wrong.body) == String(buffer: unknown.body))
        }
    }

    @Test("repeated failures for one email are throttled with Retry-After, then allowed again")
    func loginThrottling() async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(.sqlite, clock: clock) { client, _ in
            _ = try await client.signupAndLogin(email: "victim@example.com")
            for _ in 0..<5 {
                let r = try await client.send(
                    .post, "/api/v1/auth/login", json: #"{"email":"victim@example.com","password":"guess guess guess"}"#
                )
                #expect(r.status == .unauthorized)
            }
            let blocked = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"victim@example.com","password":"correct horse battery"}"#
            )
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.errorCode == "too_many_attempts")
            let retry = try #require(blocked.headers[.retryAfter].flatMap { Int($0) })
            #expect(retry > 0 && retry <= 900)
            clock.advance(by: .seconds(Int64(retry)))
            let after = try await client.send(
                .post, "/api/v1/auth/login", json: #"{"email":"victim@example.com","password":"correct horse battery"}"#
            )
            #expect(after.status == .ok)
        }
    }

    @Test("private routes need a valid token")
    func tokensAreChecked() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let none = try await client.send(.get, "/api/v1/auth/me")
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "unauthenticated")
            let forged = try await client.send(
                .get, "/api/v1/auth/me", token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad")
            #expect(forged.status == .unauthorized)
            #expect(forged.errorCode == "invalid_token")
            let basic = try await client.send(.get, "/api/v1/auth/me", headers: [.authorization: "Basic Zm9vOmJhcg=="])
            #expect(basic.status == .unauthorized)
        }
    }

    @Test("every route's access is enforced: anonymous callers get 401 on private routes, users 403 on operator ones")
    func everyRouteChecksWhoIsAsking() async throws {
        try await TestApp.with(.sqlite) { client, deps in
            let user = try await client.signupAndLogin(email: "user@example.com")
            let specs = buildRouter(deps).routes.all
            // A route made public by mistake shows up here.
            let publicRoutes = Set(specs.filter { $0.access == .public }.map { "\($0.method.rawValue) \($0.path)" })
            #expect(publicRoutes == Self.publicRoutes, "public now: \(publicRoutes.sorted())")
            #expect(specs.contains { $0.access == .operator })
            for spec in specs where spec.access != .public {
                let uri = spec.path.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix("{") ? "x" : String($0) }.joined(separator: "/")
                let body = spec.body == nil ? nil : "{}"
                let anonymous = try await client.send(spec.method, uri, json: body)
                #expect(
                    anonymous.status == .unauthorized && anonymous.errorCode == "unauthenticated",
                    "\(spec.method) \(spec.path)")
                if spec.access == .operator {
                    let plain = try await client.send(spec.method, uri, json: body, token: user)
                    #expect(plain.status == .forbidden, "\(spec.method) \(spec.path)")
                }
            }
        }
    }

    /// Reading the market, its health and the API's own description, signing up and in
    /// (also with a linked wallet), the web app's files, and the operations probes;
    /// everything else needs a token.
    static let publicRoutes: Set<String> = [
        "GET /health", "GET /ready", "GET /metrics", "GET /api/v1/docs", "GET /api/v1/openapi.json",
        "POST /api/v1/auth/signup", "POST /api/v1/auth/login",
        "POST /api/v1/auth/siwe/login/nonce", "POST /api/v1/auth/siwe/login", "GET /", "GET /assets/{file}",
        "GET /api/v1/gpus/search", "GET /api/v1/gpus/models", "GET /api/v1/gpus/providers", "GET /api/v1/gpus/{id}",
        "GET /api/v1/gpus/{id}/availability", "GET /api/v1/gpus/{id}/price-history", "POST /api/v1/gpus/compare",
        "GET /api/v1/market/models/{model}/price-history",
        "GET /api/v1/arbitrage/opportunities", "GET /api/v1/arbitrage/best-deal/{model}",
        "GET /api/v1/arbitrage/savings/{model}",
        "GET /api/v1/provider-health/health", "GET /api/v1/provider-health/providers/{name}/health",
        "GET /api/v1/provider-health/circuit-breakers", "GET /api/v1/provider-health/rate-limiters",
        "GET /api/v1/provider-health/cache/stats", "GET /api/v1/provider-health/metrics/summary",
    ]

    @Test("tokens expire with their session")
    func tokenExpiry() async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(.sqlite, clock: clock) { client, _ in
            let token = try await client.signupAndLogin(email: "exp@example.com")
            #expect(try await client.send(.get, "/api/v1/auth/me", token: token).status == .ok)
            clock.advance(by: .seconds(3601))
            #expect(try await client.send(.get, "/api/v1/auth/me", token: token).status == .unauthorized)
        }
    }

    @Test("production bcrypt cost is 12")
    func bcryptCost() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let store = SQLStore(db: db)
            let accounts = AccountService(
                store: store, tokens: await TokenService(secret: String(repeating: "x", count: 32)),
                throttle: LoginThrottle(attempts: store))
            let user = try await accounts.signup(email: "cost@example.com", password: "correct horse battery")
            #expect(user.passwordHash.hasPrefix("$2b$12$"))
            #expect(Bcrypt.verify("correct horse battery", hash: user.passwordHash))
        }
    }
}

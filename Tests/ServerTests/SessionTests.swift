import Brokerage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing
import Timekeeping

/// The holes found by probing the login (issue 18): parallel guesses, spellings of one
/// email, sessions that could not be ended, addresses that hide characters.
@Suite("Sessions and login hardening")
struct SessionTests {
    static let password = "correct horse battery"

    static func login(_ client: any TestClientProtocol, _ email: String, _ password: String = password)
        async throws -> TestResponse
    {
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        return try await client.send(.post, "/api/v1/auth/login", json: String(decoding: body, as: UTF8.self))
    }

    @Test(
        "50 parallel wrong passwords for one email: at most 5 are checked, the rest wait", arguments: Backend.available)
    func parallelGuesses(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            _ = try await client.signupAndLogin(email: "victim@example.com")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<50 {
                    group.addTask { try await Self.login(client, "victim@example.com", "guess \(i) guess").status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            let checked = statuses.filter { $0 == .unauthorized }.count
            #expect(checked <= 5 && checked >= 1, "\(checked) guesses checked")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 50 - checked)
            #expect(try await Self.login(client, "victim@example.com").status == .tooManyRequests)
        }
    }

    @Test(
        "every spelling of one email shares its throttle",
        arguments: ["victim@example.com\n", "\tVICTIM@example.com ", "\r\nVictim@Example.COM\u{2028}"])
    func oneThrottlePerEmail(spelling: String) async throws {
        try await TestApp.with(.sqlite) { client, _ in
            _ = try await client.signupAndLogin(email: "victim@example.com")
            for _ in 0..<5 {
                #expect(try await Self.login(client, "victim@example.com", "guess guess guess").status == .unauthorized)
            }
            #expect(try await Self.login(client, spelling).status == .tooManyRequests)
        }
    }

    @Test("a right password admitted by the throttle does not count against the address")
    func successIsNotAFailure() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            _ = try await client.signupAndLogin(email: "busy@example.com")
            // The address allows 20 failures in the window; 30 good logins from it are no failures.
            for _ in 0..<30 { #expect(try await Self.login(client, "busy@example.com").status == .ok) }
        }
    }

    @Test("an address gets 10 signups an hour and 30 password checks a minute, right or wrong")
    func addressLimits() async throws {
        let clock = ManualTimeSource()
        try await TestApp.with(.sqlite, clock: clock, limits: LoginThrottle.Limits()) { client, _ in
            for i in 0..<10 {
                let body = #"{"email":"farm\#(i)@example.com","password":"correct horse battery"}"#
                #expect(try await client.send(.post, "/api/v1/auth/signup", json: body).status == .created)
            }
            let eleventh = try await client.send(
                .post, "/api/v1/auth/signup",
                json: #"{"email":"farm10@example.com","password":"correct horse battery"}"#)
            #expect(eleventh.status == .tooManyRequests && eleventh.errorCode == "too_many_attempts")
            #expect(eleventh.headers[.retryAfter] == "3600")

            for _ in 0..<30 { #expect(try await Self.login(client, "farm0@example.com").status == .ok) }
            let blocked = try await Self.login(client, "farm0@example.com")
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] == "60")
            clock.advance(by: .seconds(60))
            #expect(try await Self.login(client, "farm0@example.com").status == .ok)
        }
    }

    @Test(
        "behind a trusted proxy each forwarded client gets its own allowance; from anyone else the header is ignored",
        arguments: [true, false])
    func forwardedClients(trusted: Bool) async throws {
        var limits = LoginThrottle.Limits()
        limits.signupsPerIP = 2
        let proxies = try TrustedProxies.parse(trusted ? "127.0.0.0/8, ::1" : "10.0.0.0/8")
        try await TestApp.with(.sqlite, trustedProxies: proxies, limits: limits, testing: .live) { client, _ in
            var statuses: [HTTPResponse.Status] = []
            for i in 0..<4 {
                // A client forging the header from the left: the proxy appends what it saw.
                let forwarded = "6.6.6.6, 203.0.113.\(i / 2)"
                let body = #"{"email":"fwd\#(i)@example.com","password":"correct horse battery"}"#
                statuses.append(
                    try await client.send(
                        .post, "/api/v1/auth/signup", json: body,
                        headers: [HTTPField.Name("X-Forwarded-For")!: forwarded]
                    ).status)
            }
            // Trusted: 203.0.113.0 and .1 get two signups each. Not: all four count
            // against the one peer address, so the third is refused.
            #expect(
                statuses
                    == (trusted
                        ? [.created, .created, .created, .created]
                        : [.created, .created, .tooManyRequests, .tooManyRequests]))
        }
    }

    @Test("logout revokes the caller's session at once, and only it", arguments: Backend.available)
    func logout(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            let first = try await client.signupAndLogin(email: "out@example.com")
            let second = try await Self.login(client, "out@example.com").json()["access_token"] as! String
            #expect(try await client.send(.post, "/api/v1/auth/logout", token: first).status == .noContent)
            let after = try await client.send(.get, "/api/v1/auth/me", token: first)
            #expect(after.status == .unauthorized)
            #expect(try await client.send(.post, "/api/v1/auth/logout", token: first).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/auth/me", token: second).status == .ok)
        }
    }

    @Test("a password change needs the current password and ends every other session", arguments: Backend.available)
    func passwordChange(backend: Backend) async throws {
        try await TestApp.with(backend) { client, _ in
            let mine = try await client.signupAndLogin(email: "pw@example.com")
            let stolen = try await Self.login(client, "pw@example.com").json()["access_token"] as! String
            func change(_ current: String, _ new: String, token: String = mine) async throws -> TestResponse {
                let body = try JSONSerialization.data(withJSONObject: [
                    "current_password": current, "new_password": new,
                ])
                return try await client.send(
                    .post, "/api/v1/auth/password", json: String(decoding: body, as: UTF8.self), token: token)
            }
            let wrong = try await change("not the password", "a brand new passphrase")
            #expect(wrong.status == .forbidden && wrong.errorCode == "wrong_password")
            let weak = try await change(Self.password, "short")
            #expect(weak.status == .unprocessableContent && weak.errorField == "new_password")
            let same = try await change(Self.password, Self.password)
            #expect(same.status == .unprocessableContent && same.errorField == "new_password")
            #expect(try await client.send(.get, "/api/v1/auth/me", token: stolen).status == .ok)

            #expect(try await change(Self.password, "a brand new passphrase").status == .noContent)
            #expect(try await client.send(.get, "/api/v1/auth/me", token: stolen).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/auth/me", token: mine).status == .ok)
            #expect(try await Self.login(client, "pw@example.com").status == .unauthorized)
            #expect(try await Self.login(client, "pw@example.com", "a brand new passphrase").status == .ok)
        }
    }

    @Test("guessing the current password through a stolen token is throttled like a login")
    func passwordChangeIsThrottled() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let token = try await client.signupAndLogin(email: "guess@example.com")
            var statuses: [HTTPResponse.Status] = []
            for i in 0..<7 {
                let body = #"{"current_password":"guess \#(i) guess","new_password":"a brand new passphrase"}"#
                statuses.append(try await client.send(.post, "/api/v1/auth/password", json: body, token: token).status)
            }
            #expect(statuses == Array(repeating: .forbidden, count: 5) + [.tooManyRequests, .tooManyRequests])
        }
    }

    @Test(
        "emails with control, invisible or non-ASCII characters are refused",
        arguments: [
            "a\u{0}b@example.com", "\u{202E}moc.elpmaxe@a", "ad\u{200B}min@example.com", "\u{0430}dmin@example.com",
            "admin@ex\u{0430}mple.com", "admin@example.com\u{0}", "a b@example.com", "a..b@example.com",
            ".a@example.com", "a@-example.com", "a@example", "a@example.123",
        ])
    func refusedEmails(email: String) async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let body = try JSONSerialization.data(withJSONObject: ["email": email, "password": Self.password])
            let r = try await client.send(.post, "/api/v1/auth/signup", json: String(decoding: body, as: UTF8.self))
            #expect(r.status == .unprocessableContent && r.errorField == "email", "\(email.debugDescription)")
        }
    }

    @Test("plain addresses, with the usual punctuation and an xn-- domain, are accepted")
    func acceptedEmails() throws {
        for email in ["ada@example.com", "o'brien+gpu@mail.example.co.uk", "x_y-z@xn--bcher-kva.example", "1@2.io"] {
            #expect(try Email(email).value == email)
        }
        #expect(try Email("  Ada@Example.COM\n").value == "ada@example.com")
        #expect(Email.normalized("  Ada@Example.COM\n") == "ada@example.com")
    }
}

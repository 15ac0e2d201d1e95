import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Server

/// The web app's static files: security headers, revalidation, gzip, and that nothing but
/// the shipped files can be fetched.
@Suite("Web app static files")
struct WebAppTests {
    static func header(_ r: TestResponse, _ name: String) -> String? { r.headers[HTTPField.Name(name)!] }

    /// Every directive of a Content-Security-Policy by name.
    static func directives(_ csp: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for part in csp.split(separator: ";") {
            let words = part.split(separator: " ").map(String.init)
            if let name = words.first { out[name] = Array(words.dropFirst()) }
        }
        return out
    }

    @Test("the page carries the security headers; its CSP allows no inline script")
    func securityHeaders() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            for path in ["/", "/assets/app.js", "/assets/style.css"] {
                let r = try await client.send(.get, path)
                #expect(r.status == .ok, "\(path)")
                let csp = try #require(Self.header(r, "Content-Security-Policy"), "\(path)")
                let d = Self.directives(csp)
                let scripts = d["script-src"] ?? d["default-src"] ?? []
                #expect(scripts == ["'self'"], "\(path): script-src \(scripts)")
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"))
                #expect(d["frame-ancestors"] == ["'none'"])
                #expect(d["default-src"] == ["'none'"])
                #expect(d["connect-src"] == ["'self'"])
                #expect(Self.header(r, "X-Content-Type-Options") == "nosniff")
                #expect(Self.header(r, "Referrer-Policy") == "no-referrer")
                #expect(Self.header(r, "X-Frame-Options") == "DENY")
                #expect(Self.header(r, "Cache-Control") == "no-cache")
                #expect(Self.header(r, "Vary") == "Accept-Encoding")
                #expect(Self.header(r, "ETag")?.hasPrefix("\"") == true)
            }
            let page = try await client.send(.get, "/")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: page.body)
            #expect(html.contains(#"<script type="module" src="/assets/app.js"></script>"#))
            // No inline script or handler attribute: the CSP would block it anyway.
            let scriptTags = html.components(separatedBy: "<script").dropFirst()
            #expect(scriptTags.allSatisfy { $0.hasPrefix(" src=") || $0.hasPrefix(" type=\"module\" src=") })
            #expect(html.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil)
            #expect(html.range(of: #"style=""#) == nil)
        }
    }

    @Test("content types of the shipped kinds")
    func contentTypes() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let cases = [
                "/assets/app.js": "text/javascript; charset=utf-8", "/assets/style.css": "text/css; charset=utf-8",
                "/assets/icon.svg": "image/svg+xml", "/assets/index.html": "text/html; charset=utf-8",
            ]
            for (path, type) in cases {
                let r = try await client.send(.get, path)
                #expect(r.status == .ok, "\(path)")
                #expect(r.headers[.contentType] == type, "\(path)")
            }
        }
    }

    @Test("an unchanged file is a 304 for its ETag, weak or strong, and a 200 for another")
    func revalidation() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let first = try await client.send(.get, "/assets/app.js")
            let etag = try #require(Self.header(first, "ETag"))
            for match in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let again = try await client.send(.get, "/assets/app.js", headers: [.ifNoneMatch: match])
                #expect(again.status == .notModified, "\(match)")
                #expect(again.body.readableBytes == 0)
                #expect(Self.header(again, "ETag") == etag)
                #expect(Self.header(again, "Cache-Control") == "no-cache")
                #expect(Self.header(again, "Content-Security-Policy") != nil)
            }
            let changed = try await client.send(.get, "/assets/app.js", headers: [.ifNoneMatch: "\"stale\""])
            #expect(changed.status == .ok)
            #expect(changed.body == first.body)
            let other = try await client.send(.get, "/assets/style.css")
            #expect(Self.header(other, "ETag") != etag)
            let page = try await client.send(
                .get, "/", headers: [.ifNoneMatch: try #require(Self.header(other, "ETag"))])
            #expect(page.status == .ok)
        }
    }

    @Test("gzip when the client accepts it; the bytes inflate to the file")
    func gzip() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let plain = try await client.send(.get, "/assets/app.js")
            #expect(Self.header(plain, "Content-Encoding") == nil)
            for accept in ["gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"] {
                let packed = try await client.send(.get, "/assets/app.js", headers: [.acceptEncoding: accept])
                #expect(packed.status == .ok, "\(accept)")
                #expect(Self.header(packed, "Content-Encoding") == "gzip", "\(accept)")
                #expect(packed.body.readableBytes < plain.body.readableBytes)
                #expect(Self.header(packed, "ETag") != Self.header(plain, "ETag"))
                #expect(try Self.gunzip(Array(buffer: packed.body)) == Array(buffer: plain.body))
            }
            for accept in ["gzip;q=0", "identity", "br", "*;q=0"] {
                let r = try await client.send(.get, "/assets/app.js", headers: [.acceptEncoding: accept])
                #expect(Self.header(r, "Content-Encoding") == nil, "\(accept)")
                #expect(r.body == plain.body)
            }
            // Either representation's tag revalidates the file.
            let packed = try await client.send(.get, "/", headers: [.acceptEncoding: "gzip"])
            let tag = try #require(Self.header(packed, "ETag"))
            #expect(tag.hasSuffix("-gzip\""))
            let again = try await client.send(.get, "/", headers: [.acceptEncoding: "gzip", .ifNoneMatch: tag])
            #expect(again.status == .notModified)
        }
    }

    @Test(
        "unknown files and path tricks are 404 JSON errors",
        arguments: [
            "/assets/nope.js", "/assets/..%2FREADME.txt", "/assets/%2e%2e%2fREADME.txt", "/assets/.hidden",
            "/assets/..%2F..%2F..%2FPackage.swift", "/assets/%2Fetc%2Fpasswd", "/assets/app.js%00.css",
            "/assets/web%2Findex.html", "/index.html", "/assets/", "/favicon.ico",
        ])
    func unknownFiles(path: String) async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let r = try await client.send(.get, path)
            #expect(r.status == .notFound, "\(path)")
            #expect(r.errorCode == "not_found", "\(path)")
            #expect(r.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test("other methods are 405 with Allow: GET")
    func methods() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            for path in ["/", "/assets/app.js"] {
                let r = try await client.send(.post, path, json: "{}")
                #expect(r.status == .methodNotAllowed, "\(path)")
                #expect(r.headers[.allow] == "GET")
            }
        }
    }

    @Test("every module the app imports and every file the page links is served")
    func moduleGraph() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            var pending = ["/"]
            var seen: Set<String> = []
            while let path = pending.popLast() {
                guard seen.insert(path).inserted else { continue }
                let r = try await client.send(.get, path)
                #expect(r.status == .ok, "\(path) is referenced but not served")
                let text = String(buffer: r.body)
                let patterns = [#"(?:src|href)="(/assets/[^"]+)""#, #"from "\./([^"]+)""#, #"import\("\./([^"]+)"\)"#]
                for pattern in patterns {
                    let regex = try NSRegularExpression(pattern: pattern)
                    for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                        let ref = String(text[Range(m.range(at: 1), in: text)!])
                        pending.append(ref.hasPrefix("/") ? ref : "/assets/\(ref)")
                    }
                }
            }
            #expect(seen.contains("/assets/page-wallet.js"))
            #expect(seen.count >= 15)
        }
    }

    @Test("without its files the app says what is missing, and the API still answers")
    func missingFiles() async throws {
        let assets = WebAssets(directory: URL(fileURLWithPath: "/nonexistent/web"))
        #expect(assets.files.isEmpty)
        let table = RouteTable()
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ErrorMiddleware(routes: table))
        WebAppRoutes(assets: assets).register(on: APIRouter(router: router, table: table))
        try await Application(router: router).test(.router) { client in
            let r = try await client.execute(uri: "/", method: .get)
            #expect(r.status == .notFound)
            #expect(r.errorCode == "web_app_missing")
            #expect(String(buffer: r.body).contains("nonexistent"))
        }
    }

    @Test("gzip round-trips through the system gzip, also for empty and incompressible input")
    func gzipKnownAnswers() throws {
        var rng = SystemRandomNumberGenerator()
        let inputs: [[UInt8]] = [[], Array("hello hello hello hello".utf8), (0..<100_000).map { _ in rng.next() }]
        for input in inputs {
            let packed = try Gzip.compress(input)
            #expect(Array(packed.prefix(2)) == [0x1f, 0x8b])
            #expect(try Self.gunzip(packed) == input)
        }
        #expect(WebAssets.isServableName("page-market.js"))
        #expect(!WebAssets.isServableName("../x.js"))
        #expect(!WebAssets.isServableName(".env"))
        #expect(!WebAssets.isServableName("a/b.js"))
    }

    /// An independent decoder: the system's `gzip -dc`.
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gp4u-\(UUID().uuidString).gz")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Array(data)
    }
}

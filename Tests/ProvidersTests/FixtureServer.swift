import Brokerage
import FixtureHTTP
import Foundation
import Hummingbird
import NIOCore

/// Scripted answers for the local fixture server: per "METHOD /path", a queue of replies
/// (then a default). An unscripted path answers 404 so a test notices it.
actor FixtureRoutes {
    struct Reply: Sendable {
        var status: Int = 200
        var body: String
        var delay: Duration = .zero
    }

    private var queues: [String: [Reply]] = [:]
    private var defaults: [String: Reply] = [:]
    private(set) var hits: [String: Int] = [:]
    private(set) var lastQuery: [String: String] = [:]
    private(set) var lastHeaders: [String: [String: String]] = [:]

    func set(_ key: String, _ reply: Reply) { defaults[key] = reply }
    func enqueue(_ key: String, _ replies: [Reply]) { queues[key, default: []] += replies }
    func hitCount(_ key: String) -> Int { hits[key] ?? 0 }

    func reply(for key: String, query: String, headers: [String: String]) -> Reply {
        hits[key, default: 0] += 1
        lastQuery[key] = query
        lastHeaders[key] = headers
        if var queue = queues[key], !queue.isEmpty {
            let r = queue.removeFirst()
            queues[key] = queue
            return r
        }
        return defaults[key] ?? Reply(status: 404, body: "{\"error\":\"no fixture for \(key)\"}")
    }
}

/// Runs the scripted routes on a local fixture server for the duration of `body`.
func withFixtureServer<T: Sendable>(_ routes: FixtureRoutes, _ body: @Sendable (String) async throws -> T) async throws
    -> T
{
    try await withFixtureServer(
        replying: { request in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            return await routes.reply(
                for: "\(request.method) \(request.uri.path)", query: request.uri.query ?? "", headers: headers)
        }, body)
}

/// Runs a fixture server whose answers depend on the request body (a provider that
/// honours its query language), for the duration of `body`.
func withFixtureServer<T: Sendable>(
    answering answer: @escaping @Sendable (_ key: String, _ body: Data) async -> FixtureRoutes.Reply,
    _ body: @Sendable (String) async throws -> T
) async throws -> T {
    try await withFixtureServer(
        replying: { request in
            var copy = request
            let bytes = (try? await copy.collectBody(upTo: 1 << 20)) ?? ByteBuffer()
            return await answer("\(request.method) \(request.uri.path)", Data(buffer: bytes))
        }, body)
}

/// Serves every GET, POST, PUT and DELETE with the reply `replying` picks, as JSON.
private func withFixtureServer<T: Sendable>(
    replying: @escaping @Sendable (Request) async -> FixtureRoutes.Reply, _ body: @Sendable (String) async throws -> T
) async throws -> T {
    let router = Router()
    let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        let reply = await replying(request)
        if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
    }
    router.get("**", use: handler)
    router.post("**", use: handler)
    router.put("**", use: handler)
    router.delete("**", use: handler)
    return try await withFixtureHTTPServer(router, body)
}

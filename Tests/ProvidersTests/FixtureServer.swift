import Foundation
import Hummingbird
import ServiceLifecycle
import Logging
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

/// Runs a Hummingbird server on 127.0.0.1 with a random port for the duration of `body`.
/// Nothing here reaches the internet.
func withFixtureServer<T: Sendable>(_ routes: FixtureRoutes, _ body: @Sendable (String) async throws -> T) async throws -> T {
    let router = Router()
    let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        let key = "\(request.method) \(request.uri.path)"
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let reply = await routes.reply(for: key, query: request.uri.query ?? "", headers: headers)
        if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
    }
    router.get("**", use: handler)
    router.post("**", use: handler)
    var logger = Logger(label: "fixture")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: logger)
    // Stopped by graceful shutdown, not cancellation: the server stops accepting, then
    // drains, so a connection arriving during shutdown is closed cleanly (cancelling
    // the task instead trips NIO's debug assertion on a half-set-up channel).
    let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await services.triggerGracefulShutdown()
            throw FixtureError.noPort
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body("http://127.0.0.1:\(port)"))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}

enum FixtureError: Error { case noPort }

import Hummingbird
import Logging
import ServiceLifecycle

/// Runs `router` on 127.0.0.1 with a random port for the duration of `body`, which gets
/// the base URL (`http://127.0.0.1:PORT`). Shared by the test targets that script HTTP
/// fixtures (provider APIs, JSON-RPC nodes); nothing here reaches the internet.
///
/// The server is stopped by graceful shutdown, not cancellation: it stops accepting, then
/// drains, so a connection arriving during shutdown is closed cleanly (cancelling the
/// task instead trips NIO's debug assertion on a half-set-up channel).
public func withFixtureHTTPServer<T: Sendable>(
    _ router: Router<BasicRequestContext>, _ body: @Sendable (String) async throws -> T
) async throws -> T {
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
    let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await services.triggerGracefulShutdown()
            throw FixtureHTTPError.noPort
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

/// The fixture server did not report a listening port.
public enum FixtureHTTPError: Error { case noPort }

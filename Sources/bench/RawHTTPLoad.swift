import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A lean HTTP/1.1 load generator on bare NIO channels: one keep-alive connection per
/// client, one request in flight on each. It shares the cores with the server under test,
/// so it must cost little; a full HTTP client spent more CPU per request than the search
/// route it was measuring.
///
/// Two modes:
/// - closed loop (`rate == nil`): each connection sends its next request when the last
///   one answers; measures the most the server does.
/// - open loop (`rate` requests/s over all connections, evenly spaced): each request has a
///   scheduled time and its latency counts from then, so a stalled server cannot hide
///   its queueing by slowing the client down (no coordinated omission, as in wrk2).
enum RawHTTPLoad {
    struct Request: Sendable {
        var method: HTTPMethod = .GET
        var uri: String
        var body: String? = nil
    }

    struct Result {
        var latencies: [Double]
        var errors: Int
        var elapsed: Double
        /// This process's CPU seconds over the run, and the load generator's part of it.
        var cpu: Double
        var clientCPU: Double
        /// The hypervisor's share of the machine over the run, in percent.
        var stolenPercent: Double

        func print(name: String, connections: Int, rate: Double? = nil) {
            let sorted = latencies.sorted()
            func pct(_ p: Double) -> Double {
                sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
            }
            func perRequest(_ seconds: Double) -> Double { seconds / Double(max(1, sorted.count + errors)) * 1e6 }
            let mode = rate.map { String(format: "open loop at %.0f req/s", $0) } ?? "closed loop"
            Swift.print(
                String(
                    format:
                        "%@: %d conns, %@: %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors; CPU per request %.0f µs (server %.0f, client %.0f), %.1f%% stolen",
                    name, connections, mode, Double(sorted.count) / elapsed, pct(0.5), pct(0.99),
                    sorted.last.map { $0 * 1000 } ?? 0, errors,
                    perRequest(cpu), perRequest(cpu - clientCPU), perRequest(clientCPU), stolenPercent))
        }
    }

    /// The load generator's own event loops, as a client elsewhere would have its own
    /// threads: on the server's (NIO's singleton group) its timers and response parsing
    /// queued behind the server's I/O and the other way round, which made latency tails
    /// of their own. Separate threads also tell its CPU apart by name.
    static let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
    static let clientThreads = "NIO-ELT-"

    static func run(
        port: Int, connections: Int, seconds: Double, rate: Double? = nil, request: @escaping @Sendable (Int) -> Request
    ) async throws -> Result {
        // Connections get half a second to open before the clock starts (set-up is not a
        // request's latency), then run on their event loops alone: no task wake-ups in
        // the cooperative pool, which the server under test needs.
        let start = NIODeadline.now() + .milliseconds(500)
        let end = start + .nanoseconds(Int64(seconds * 1e9))
        let interval = rate.map { TimeAmount.nanoseconds(Int64(Double(connections) / $0 * 1e9)) }
        var results: [EventLoopFuture<([Double], Int)>] = []
        for c in 0..<connections {
            let channel = try await ClientBootstrap(group: clientGroup)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        let first =
                            start
                            + (interval.map { .nanoseconds($0.nanoseconds * Int64(c) / Int64(connections)) } ?? .zero)
                        try channel.pipeline.syncOperations.addHandler(
                            LoadHandler(
                                port: port, first: first, end: end, interval: interval, index: c, step: connections,
                                request: request))
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            results.append(
                try await channel.pipeline.handler(type: LoadHandler.self).map { $0.done.futureResult }.get())
        }
        let (cpu0, client0, stolen0) = (CPUTime.now(), CPUTime.threads(named: clientThreads), StolenTime.now())
        var latencies: [Double] = []
        var errors = 0
        for r in results {
            let (l, e) = try await r.get()
            latencies += l
            errors += e
        }
        let elapsed = Double((NIODeadline.now() - start).nanoseconds) / 1e9
        return Result(
            latencies: latencies, errors: errors, elapsed: elapsed, cpu: CPUTime.now() - cpu0,
            clientCPU: CPUTime.threads(named: clientThreads) - client0, stolenPercent: stolen0.percent(until: .now()))
    }

    /// One connection's client, entirely on its event loop. Closed loop: the next request
    /// goes when the answer comes. Open loop: sends are scheduled every `interval`; one
    /// that falls due while a request is in flight waits its turn and its latency still
    /// counts from its scheduled time.
    private final class LoadHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart

        let port: Int, first: NIODeadline, end: NIODeadline, interval: TimeAmount?, step: Int
        let request: @Sendable (Int) -> Request
        var n: Int
        var due: [NIODeadline] = []
        var inFlight: NIODeadline?
        var ok = false
        var latencies: [Double] = []
        var errors = 0
        var done: EventLoopPromise<([Double], Int)>!
        var context: ChannelHandlerContext?

        init(
            port: Int, first: NIODeadline, end: NIODeadline, interval: TimeAmount?, index: Int, step: Int,
            request: @escaping @Sendable (Int) -> Request
        ) {
            (self.port, self.first, self.end, self.interval, self.n, self.step, self.request) = (
                port, first, end, interval, index, step, request
            )
        }

        func handlerAdded(context: ChannelHandlerContext) {
            self.context = context
            done = context.eventLoop.makePromise()
            context.eventLoop.assumeIsolated().scheduleTask(deadline: first) { self.fire(at: self.first) }
        }

        /// A send falls due at `at` (its scheduled time); open loop schedules the next one.
        func fire(at: NIODeadline) {
            if let interval, at + interval < end {
                context?.eventLoop.assumeIsolated().scheduleTask(deadline: at + interval) {
                    self.fire(at: at + interval)
                }
            }
            if inFlight == nil { send(scheduled: at) } else { due.append(at) }
        }

        func send(scheduled: NIODeadline) {
            guard let context else { return }
            inFlight = scheduled
            let r = request(n)
            n += step
            var head = HTTPRequestHead(version: .http1_1, method: r.method, uri: r.uri)
            head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
            if let body = r.body {
                head.headers.add(name: "Content-Type", value: "application/json")
                head.headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            } else {
                context.write(wrapOutboundOut(.head(head)), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): ok = head.status.code < 400
            case .body: break
            case .end:
                guard let sent = inFlight else { return }
                inFlight = nil
                let now = NIODeadline.now()
                if ok { latencies.append(Double((now - sent).nanoseconds) / 1e9) } else { errors += 1 }
                if interval == nil {
                    if now < end { send(scheduled: now) } else { finish() }
                } else if !due.isEmpty {
                    send(scheduled: due.removeFirst())
                } else if now + (interval ?? .zero) >= end {
                    finish()
                }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            errors += 1
            finish()
        }

        func finish() {
            guard let context else { return }
            self.context = nil
            done.succeed((latencies, errors))
            context.close(promise: nil)
        }
    }
}

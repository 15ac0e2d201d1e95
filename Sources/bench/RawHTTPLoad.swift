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

        func print(name: String, connections: Int, rate: Double? = nil) {
            let sorted = latencies.sorted()
            func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
            let mode = rate.map { String(format: "open loop at %.0f req/s", $0) } ?? "closed loop"
            Swift.print(String(
                format: "%@: %d conns, %@: %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors",
                name, connections, mode, Double(sorted.count) / elapsed, pct(0.5), pct(0.99), sorted.last.map { $0 * 1000 } ?? 0, errors))
        }
    }

    static func run(
        port: Int, connections: Int, seconds: Double, rate: Double? = nil, request: @escaping @Sendable (Int) -> Request
    ) async throws -> Result {
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let interval = rate.map { Duration.nanoseconds(Int64(Double(connections) / $0 * 1e9)) }
        let parts = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for c in 0..<connections {
                group.addTask {
                    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .channelOption(.socketOption(.tcp_nodelay), value: 1)
                        .connect(host: "127.0.0.1", port: port) { channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                            }
                        }
                    return try await channel.executeThenClose { inbound, outbound in
                        var responses = inbound.makeAsyncIterator()
                        var latencies: [Double] = []
                        var errors = 0
                        // Open loop: connections start staggered across one interval.
                        var scheduled = start + (interval.map { $0 * Double(c) / Double(connections) } ?? .zero)
                        var n = c
                        while true {
                            let sent: ContinuousClock.Instant
                            if let interval {
                                guard scheduled < deadline else { break }
                                if scheduled > .now { try await Task.sleep(until: scheduled, clock: .continuous) }
                                sent = scheduled
                                scheduled += interval
                            } else {
                                sent = .now
                                guard sent < deadline else { break }
                            }
                            let r = request(n)
                            n += connections
                            var head = HTTPRequestHead(version: .http1_1, method: r.method, uri: r.uri)
                            head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
                            if let body = r.body {
                                head.headers.add(name: "Content-Type", value: "application/json")
                                head.headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                                try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(string: body))), .end(nil)])
                            } else {
                                try await outbound.write(contentsOf: [.head(head), .end(nil)])
                            }
                            var ok = false
                            reading: while let part = try await responses.next() {
                                switch part {
                                case .head(let h): ok = h.status.code < 400
                                case .body: continue
                                case .end: break reading
                                }
                            }
                            if ok { latencies.append((ContinuousClock.now - sent).seconds) } else { errors += 1 }
                        }
                        return (latencies, errors)
                    }
                }
            }
            return try await group.reduce(into: [([Double], Int)]()) { $0.append($1) }
        }
        return Result(latencies: parts.flatMap(\.0), errors: parts.map(\.1).reduce(0, +), elapsed: (ContinuousClock.now - start).seconds)
    }
}

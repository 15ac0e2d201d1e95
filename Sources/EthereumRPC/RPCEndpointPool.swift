import JSON
import Logging
import Timekeeping

/// Several RPC endpoints of one chain in preference order, with failover and retries.
///
/// Each call goes to the first usable endpoint: healthy, or unhealthy but past its
/// cool-down (then the call is a probe; success makes it healthy again, so traffic returns
/// to the preferred endpoint once it recovers). A retryable failure moves the same call
/// to the next endpoint at once; when every endpoint has been tried, the pool waits an
/// exponential backoff with jitter and starts over, up to `maxAttempts` sends in all.
/// Range and permanent errors are returned at once: another node would refuse the same
/// request. Clock and randomness are injected so tests are deterministic.
public actor RPCEndpointPool {
    /// Retry and health tuning.
    public struct Configuration: Sendable, Hashable {
        /// Sends per call, across endpoints and rounds.
        public var maxAttempts: Int
        /// Backoff before round n (1-based) is uniform in `[c/2, c]` with
        /// `c = min(backoffCap, backoffBase × 2^(n-1))`: spread out, never zero.
        public var backoffBase: Duration
        public var backoffCap: Duration
        /// Consecutive failures that mark an endpoint unhealthy.
        public var failuresBeforeUnhealthy: Int
        /// How long an unhealthy endpoint is skipped before it is probed again.
        public var cooldown: Duration
        /// Outcomes remembered for the success ratio.
        public var window: Int

        public init(
            maxAttempts: Int = 5, backoffBase: Duration = .milliseconds(250), backoffCap: Duration = .seconds(8),
            failuresBeforeUnhealthy: Int = 2, cooldown: Duration = .seconds(30), window: Int = 20
        ) {
            self.maxAttempts = max(1, maxAttempts)
            self.backoffBase = backoffBase
            self.backoffCap = backoffCap
            self.failuresBeforeUnhealthy = max(1, failuresBeforeUnhealthy)
            self.cooldown = cooldown
            self.window = max(1, window)
        }

        /// The backoff before retry round `round` (1-based) for a uniform `unit` in 0..<1.
        public func backoff(round: Int, unit: Double) -> Duration {
            let ceiling = min(backoffCap, backoffBase * (1 << min(max(round - 1, 0), 20)))
            let u = unit.isFinite ? min(max(unit, 0), 1) : 0
            return ceiling * (0.5 + u / 2)
        }
    }

    private struct EndpointState {
        let endpoint: RPCEndpoint
        var outcomes: [Bool] = []
        var latency: Duration?
        var consecutiveFailures = 0
        var unhealthySince: Duration?
        var lastError: String?
        var requests = 0
        var failures = 0
    }

    private var states: [EndpointState]
    private let transport: any JSONRPCTransport
    private let configuration: Configuration
    private let clock: any TimeSource
    private let jitter: @Sendable () -> Double
    private let logger: Logger

    /// - Parameters:
    ///   - endpoints: in preference order (the first is used whenever it is healthy).
    ///   - jitter: uniform randoms in 0..<1 for backoff.
    public init(
        endpoints: [RPCEndpoint], transport: any JSONRPCTransport, configuration: Configuration = Configuration(),
        clock: any TimeSource = SystemTimeSource(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "gp4u.rpc")
    ) {
        states = endpoints.map { EndpointState(endpoint: $0) }
        self.transport = transport
        self.configuration = configuration
        self.clock = clock
        self.jitter = jitter
        self.logger = logger
    }

    /// Sends one call and decodes its result; a decode failure counts against the
    /// endpoint and is reported as ``RPCError/malformedResponse(_:endpoint:)``.
    public func call<T: Sendable>(
        _ request: RPCRequest, decode: @Sendable (JSONValue) throws(RPCResultError) -> T
    ) async throws(RPCError) -> T {
        try await withRetries(request.method) { (endpoint) async throws(RPCError) -> T in
            switch try await transport.send(request, to: endpoint) {
            case .success(let value):
                return try Self.decoded(value, decode, endpoint)
            case .failure(let error):
                throw RPCError(node: error, endpoint: endpoint)
            }
        }
    }

    /// Sends calls as one JSON-RPC batch. Per-call node errors that retrying cannot fix
    /// come back in place; calls that failed with a retryable error are sent again, alone
    /// in a smaller batch, up to the pool's attempt limit (nodes and load balancers fail
    /// single calls of a batch, and re-sending the whole batch would need every call to
    /// succeed at once). A transport failure retries whatever is still outstanding.
    /// `decode` gets each call's index in `requests` with its result.
    public func batch<T: Sendable>(
        _ requests: [RPCRequest], decode: @Sendable (Int, JSONValue) throws(RPCResultError) -> T
    ) async throws(RPCError) -> [Result<T, RPCError>] {
        guard !requests.isEmpty else { return [] }
        var results = [Result<T, RPCError>?](repeating: nil, count: requests.count)
        var outstanding = Array(requests.indices)
        for round in 0..<configuration.maxAttempts {
            if round > 0 {
                do { try await clock.sleep(for: configuration.backoff(round: round, unit: jitter())) } catch {
                    throw .cancelled
                }
            }
            let asked = outstanding
            let replies = try await withRetries(requests[0].method) {
                (endpoint) async throws(RPCError) -> [(Int, Result<T, RPCError>)] in
                var replies: [(Int, Result<T, RPCError>)] = []
                for (position, reply) in try await transport.send(batch: asked.map { requests[$0] }, to: endpoint)
                    .enumerated()
                {
                    let index = asked[position]
                    switch reply {
                    case .success(let value):
                        replies.append(
                            (
                                index,
                                .success(
                                    try Self.decoded(
                                        value, { (v) throws(RPCResultError) in try decode(index, v) }, endpoint))
                            ))
                    case .failure(let object):
                        replies.append((index, .failure(RPCError(node: object, endpoint: endpoint))))
                    }
                }
                return replies
            }
            outstanding = []
            for (index, result) in replies {
                results[index] = result
                if case .failure(let error) = result, error.classification == .retryable { outstanding.append(index) }
            }
            if outstanding.isEmpty { break }
            logger.warning(
                "RPC batch had failed calls; sending them again",
                metadata: ["rpc.method": "\(requests[0].method)", "rpc.failed": "\(outstanding.count)"])
        }
        return results.map { $0 ?? .failure(.malformedResponse("no answer for a call of the batch", endpoint: "")) }
    }

    private static func decoded<T>(
        _ value: JSONValue, _ decode: (JSONValue) throws(RPCResultError) -> T, _ endpoint: RPCEndpoint
    ) throws(RPCError) -> T {
        do throws(RPCResultError) { return try decode(value) } catch {
            throw .malformedResponse(error.reason, endpoint: endpoint.redacted)
        }
    }

    /// Health of every endpoint, in preference order.
    public func health() -> [RPCEndpointHealth] {
        states.map { s in
            let ratio = s.outcomes.isEmpty ? 1 : Double(s.outcomes.filter { $0 }.count) / Double(s.outcomes.count)
            let seconds = s.latency.map { Double($0 / .milliseconds(1)) / 1000 } ?? 0
            return RPCEndpointHealth(
                endpoint: s.endpoint.redacted, healthy: s.unhealthySince == nil,
                score: ratio / (1 + seconds), latency: s.latency, lastError: s.lastError, requests: s.requests,
                failures: s.failures)
        }
    }

    private func withRetries<T: Sendable>(
        _ method: String, _ operation: (RPCEndpoint) async throws(RPCError) -> T
    ) async throws(RPCError) -> T {
        guard !states.isEmpty else { throw .noEndpoints }
        var tried = Set<Int>()
        var round = 0
        var lastError = RPCError.noEndpoints
        for _ in 0..<configuration.maxAttempts {
            if Task.isCancelled { throw .cancelled }
            if tried.count == states.count {
                tried.removeAll()
                round += 1
                do { try await clock.sleep(for: configuration.backoff(round: round, unit: jitter())) } catch {
                    throw .cancelled
                }
            }
            let index = choose(excluding: tried)
            tried.insert(index)
            let endpoint = states[index].endpoint
            let started = clock.elapsed
            do throws(RPCError) {
                let value = try await operation(endpoint)
                record(index, success: true, latency: clock.elapsed - started, error: nil)
                return value
            } catch {
                switch error.classification {
                case .retryable:
                    record(index, success: false, latency: nil, error: error)
                    logger.warning(
                        "RPC call failed; trying again",
                        metadata: [
                            "rpc.endpoint": "\(endpoint.redacted)", "rpc.method": "\(method)", "rpc.error": "\(error)",
                        ])
                    lastError = error
                case .rangeTooLarge:
                    record(index, success: true, latency: clock.elapsed - started, error: nil)
                    throw error
                case .permanent:
                    if case .malformedResponse = error {
                        record(index, success: false, latency: nil, error: error)
                    } else if error != .cancelled {
                        record(index, success: true, latency: clock.elapsed - started, error: nil)
                    }
                    throw error
                }
            }
        }
        throw lastError
    }

    /// The first endpoint in preference order not yet tried for this call that is healthy
    /// or due for a probe; else the one that has been unhealthy longest.
    private func choose(excluding tried: Set<Int>) -> Int {
        let now = clock.elapsed
        let candidates = states.indices.filter { !tried.contains($0) }
        if let usable = candidates.first(where: {
            states[$0].unhealthySince == nil || isCooledDown(states[$0], now: now)
        }) {
            return usable
        }
        return candidates.min { (states[$0].unhealthySince ?? .zero) < (states[$1].unhealthySince ?? .zero) } ?? 0
    }

    private func isCooledDown(_ state: EndpointState, now: Duration) -> Bool {
        guard let since = state.unhealthySince else { return false }
        return now - since >= configuration.cooldown
    }

    private func record(_ index: Int, success: Bool, latency: Duration?, error: RPCError?) {
        var s = states[index]
        s.requests += 1
        s.outcomes.append(success)
        if s.outcomes.count > configuration.window { s.outcomes.removeFirst(s.outcomes.count - configuration.window) }
        if let latency { s.latency = s.latency.map { $0 * 0.8 + latency * 0.2 } ?? latency }
        if success {
            if s.unhealthySince != nil {
                logger.info("RPC endpoint recovered", metadata: ["rpc.endpoint": "\(s.endpoint.redacted)"])
            }
            s.consecutiveFailures = 0
            s.unhealthySince = nil
        } else {
            s.failures += 1
            s.consecutiveFailures += 1
            s.lastError = error.map(String.init(describing:))
            if s.consecutiveFailures >= configuration.failuresBeforeUnhealthy {
                if s.unhealthySince == nil {
                    logger.warning(
                        "RPC endpoint marked unhealthy", metadata: ["rpc.endpoint": "\(s.endpoint.redacted)"])
                }
                s.unhealthySince = clock.elapsed
            }
        }
        states[index] = s
    }
}

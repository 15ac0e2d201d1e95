import Foundation

/// Stops calling a provider that keeps failing, then lets one probe through to test recovery.
///
/// CLOSED → OPEN after `failureThreshold` consecutive failures, or when at least
/// `minimumCallsInWindow` calls in the last `ratioWindow` failed at `failureRatio` or more
/// (time-based, because provider polling is too sparse for a "last 100 calls" window).
/// OPEN rejects calls for `openDuration`; then HALF_OPEN admits a single probe: success
/// closes the breaker, failure re-opens it. Rate-limit answers (429) are not failures: the
/// provider is up, we were too fast (see ``TokenBucket``).
public struct CircuitBreaker: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var failureThreshold: Int
        public var failureRatio: Double
        public var ratioWindow: Duration
        public var minimumCallsInWindow: Int
        public var openDuration: Duration

        /// Defaults of the product README: 5 failures, 60 s open; plus 50 % over 60 s
        /// (with at least 10 calls), as resilience4j does.
        public init(
            failureThreshold: Int = 5, failureRatio: Double = 0.5, ratioWindow: Duration = .seconds(60),
            minimumCallsInWindow: Int = 10, openDuration: Duration = .seconds(60)
        ) {
            self.failureThreshold = max(1, failureThreshold)
            self.failureRatio = failureRatio
            self.ratioWindow = ratioWindow
            self.minimumCallsInWindow = max(1, minimumCallsInWindow)
            self.openDuration = openDuration
        }
    }

    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// Whether a call may go ahead.
    public enum Decision: Sendable, Hashable {
        case allow
        /// The single half-open probe.
        case probe
        case reject(retryAfter: Duration)
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    /// How many times the breaker has opened.
    public private(set) var trips = 0
    public private(set) var openedAt: Date?
    /// When the breaker last closed (or was created): the start of the current uptime.
    public private(set) var closedSince: Date
    private var probeInFlight = false
    private var window: [(at: Date, failed: Bool)] = []

    public init(configuration: Configuration = Configuration(), now: Date) {
        self.configuration = configuration
        self.closedSince = now
    }

    /// Asks to make a call at `now` (may move OPEN → HALF_OPEN).
    public mutating func acquire(at now: Date) -> Decision {
        switch state {
        case .closed:
            return .allow
        case .open:
            let reopensAt = (openedAt ?? now).addingTimeInterval(configuration.openDuration.seconds)
            if now >= reopensAt {
                state = .halfOpen
                probeInFlight = true
                return .probe
            }
            return .reject(retryAfter: .seconds(reopensAt.timeIntervalSince(now)))
        case .halfOpen:
            if probeInFlight { return .reject(retryAfter: .seconds(1)) }
            probeInFlight = true
            return .probe
        }
    }

    public mutating func recordSuccess(at now: Date) {
        switch state {
        case .halfOpen, .open:
            close(at: now)
        case .closed:
            consecutiveFailures = 0
            note(failed: false, at: now)
        }
    }

    public mutating func recordFailure(at now: Date) {
        switch state {
        case .halfOpen:
            open(at: now)
        case .open:
            break
        case .closed:
            consecutiveFailures += 1
            note(failed: true, at: now)
            let failures = window.lazy.filter { $0.failed }.count
            let ratioTripped =
                window.count >= configuration.minimumCallsInWindow
                && Double(failures) / Double(window.count) >= configuration.failureRatio
            if consecutiveFailures >= configuration.failureThreshold || ratioTripped { open(at: now) }
        }
    }

    /// A call that ended without a verdict on health (rate-limited, cancelled): frees the
    /// half-open probe slot so the next call can probe.
    public mutating func recordNeutral() {
        probeInFlight = false
    }

    /// Operator reset: CLOSED with clean counters (the trip count is kept for history).
    public mutating func reset(at now: Date) { close(at: now) }

    /// Seconds until an OPEN breaker admits a probe, else nil.
    public func retryAfter(at now: Date) -> Duration? {
        guard state == .open, let openedAt else { return nil }
        let remaining = openedAt.addingTimeInterval(configuration.openDuration.seconds).timeIntervalSince(now)
        return .seconds(max(0, remaining))
    }

    private mutating func open(at now: Date) {
        state = .open
        openedAt = now
        trips += 1
        probeInFlight = false
    }

    private mutating func close(at now: Date) {
        state = .closed
        openedAt = nil
        consecutiveFailures = 0
        probeInFlight = false
        window.removeAll()
        closedSince = now
    }

    private mutating func note(failed: Bool, at now: Date) {
        window.append((now, failed))
        let horizon = now.addingTimeInterval(-configuration.ratioWindow.seconds)
        if let firstKept = window.firstIndex(where: { $0.at >= horizon }) {
            if firstKept > 0 { window.removeFirst(firstKept) }
        } else {
            window.removeAll()
        }
        if window.count > 1000 { window.removeFirst(window.count - 1000) }
    }
}

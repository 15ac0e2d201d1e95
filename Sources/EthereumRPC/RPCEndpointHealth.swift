/// One endpoint's health as `gp4u chain status` and the metrics show it.
public struct RPCEndpointHealth: Sendable, Hashable {
    /// `scheme://host[:port]/…`; never the full URL.
    public let endpoint: String
    /// False from repeated failures until a call (a probe after the cool-down) succeeds.
    public let healthy: Bool
    /// 0...1: the recent success ratio, discounted by latency (1 s halves it).
    public let score: Double
    /// Moving average of answer times, `nil` before the first answer.
    public let latency: Duration?
    /// The last failure, redacted; `nil` when none since start.
    public let lastError: String?
    /// Calls sent and calls that failed since start.
    public let requests: Int
    public let failures: Int

    public init(
        endpoint: String, healthy: Bool, score: Double, latency: Duration?, lastError: String?, requests: Int,
        failures: Int
    ) {
        self.endpoint = endpoint
        self.healthy = healthy
        self.score = score
        self.latency = latency
        self.lastError = lastError
        self.requests = requests
        self.failures = failures
    }
}

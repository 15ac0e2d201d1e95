/// Why one call to a provider failed, as adapters report it to the resilience layer.
/// Messages are safe to log and show: no URLs (they may carry keys), no bodies.
public enum ProviderCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP 429: counts against the rate limiter, not the breaker.
    case rateLimited
    /// HTTP 5xx.
    case server(status: Int)
    /// Other non-success status (bad key, bad query): retrying will not help.
    case client(status: Int)
    case timeout
    /// Connection refused, reset, DNS, TLS...
    case transport(String)
    /// The body was not the documented shape at all.
    case malformed(String)
    /// Configuration missing (e.g. no API key for a provider that requires one).
    case notConfigured(String)

    /// Whether waiting and trying again may succeed.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .server, .timeout, .transport: true
        case .client, .malformed, .notConfigured: false
        }
    }

    /// Whether the breaker should count it (a 429 means the provider is up).
    public var countsAsFailure: Bool { self != .rateLimited }

    public var description: String {
        switch self {
        case .rateLimited: "provider rate limit reached (HTTP 429)"
        case .server(let status): "provider server error (HTTP \(status))"
        case .client(let status): "provider refused the request (HTTP \(status)); check the API key and configuration"
        case .timeout: "provider did not answer in time"
        case .transport(let what): "could not reach provider: \(what)"
        case .malformed(let what): "provider answered with an unexpected body: \(what)"
        case .notConfigured(let what): "provider not configured: \(what)"
        }
    }
}

/// Why the resilience layer could not produce data for a provider (nothing cached either).
public enum MarketFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    case circuitOpen(provider: ProviderID, retryAfter: Duration)
    case failed(provider: ProviderID, cause: ProviderCallError, attempts: Int)
    case cancelled(provider: ProviderID)

    public var description: String {
        switch self {
        case .circuitOpen(let p, let after):
            "\(p.displayName) is temporarily disabled after repeated failures; retry in \(Int(after.seconds.rounded(.up))) s"
        case .failed(let p, let cause, let attempts):
            "\(p.displayName) failed after \(attempts) attempt(s): \(cause)"
        case .cancelled(let p): "\(p.displayName) fetch was cancelled"
        }
    }
}

import Timekeeping

/// Slows password guessing: after `maxPerEmail` failures for one email, or `maxPerIP`
/// from one address, within `window`, further attempts are refused until the oldest
/// failure leaves the window. A success clears that email's failures.
public actor LoginThrottle {
    public let maxPerEmail: Int
    public let maxPerIP: Int
    public let window: Int64
    private let clock: any TimeSource
    private var failures: [String: [Int64]] = [:]

    public init(
        maxPerEmail: Int = 5, maxPerIP: Int = 20, windowSeconds: Int64 = 900,
        clock: any TimeSource = SystemTimeSource()
    ) {
        self.maxPerEmail = maxPerEmail
        self.maxPerIP = maxPerIP
        self.window = windowSeconds
        self.clock = clock
    }

    /// Seconds to wait before trying again, or `nil` when an attempt may go ahead.
    public func retryAfter(email: String, ip: String) -> Int64? {
        let t = clock.epochSeconds
        let waits = [(key: "email:\(email)", limit: maxPerEmail), (key: "ip:\(ip)", limit: maxPerIP)].compactMap {
            entry -> Int64? in
            let recent = prune(entry.key, at: t)
            guard recent.count >= entry.limit else { return nil }
            return max(1, recent[recent.count - entry.limit] + window - t)
        }
        return waits.max()
    }

    public func recordFailure(email: String, ip: String) {
        let t = clock.epochSeconds
        for key in ["email:\(email)", "ip:\(ip)"] {
            failures[key, default: []].append(t)
        }
        if failures.count > 100_000 { failures = failures.filter { !$0.value.isEmpty && $0.value.last! > t - window } }
    }

    public func recordSuccess(email: String) {
        failures["email:\(email)"] = nil
    }

    private func prune(_ key: String, at t: Int64) -> [Int64] {
        let recent = failures[key, default: []].filter { $0 > t - window }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}

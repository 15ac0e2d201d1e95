/// How often a provider delivered the machines rented from it: the evidence that feeds
/// its offers' G-Score reliability (a provider whose machines die or never start ranks
/// lower than its own reliability figure says).
///
/// Only the provider's failures count against it: a machine that exited, went offline,
/// was lost, did not start in time, or whose provider could not be reached. A gone offer
/// (someone else rented it first), our own account out of credit, or a refused request
/// are not delivery failures.
public struct ProviderDelivery: Sendable, Hashable {
    public var delivered: Int
    public var failed: Int

    public init(delivered: Int = 0, failed: Int = 0) {
        self.delivered = delivered
        self.failed = failed
    }

    /// Rentals needed before the record weighs as much as the provider's own figure: a
    /// few early failures move the score a little, a pattern moves it a lot.
    public static let prior = 10.0

    /// The factor applied to an offer's reliability in its G-Score, in (0, 1]:
    /// `(delivered + prior) / (delivered + failed + prior)`.
    public var factor: Double { (Double(delivered) + Self.prior) / (Double(delivered + failed) + Self.prior) }

    /// The window of rentals that counts.
    public static let window: Int64 = 30 * 86_400

    /// Adds `machines` machines alike: `ran` when they ever had connection details,
    /// `failure` their reason.
    public mutating func count(ran: Bool, failure: String?, machines: Int = 1) {
        switch failure {
        case nil: if ran { delivered += machines }
        case let reason? where Self.isProviderFailure(reason): failed += machines
        default: break
        }
    }

    public static func isProviderFailure(_ reason: String) -> Bool {
        reason.hasPrefix("instance_") || reason == "start_timeout" || reason == "provider_unreachable"
    }
}

import Foundation

/// The width of a price-history point: hours for the recent past, days after 90 days.
public enum PriceInterval: String, Sendable, Hashable, Codable, CaseIterable {
    case hour
    case day

    public var seconds: Int64 {
        switch self {
        case .hour: 3600
        case .day: 86_400
        }
    }

    /// The start of the interval holding `date` (UTC).
    public func start(of date: Date) -> Date {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        let s = t - ((t % seconds) + seconds) % seconds
        return Date(timeIntervalSince1970: TimeInterval(s))
    }
}

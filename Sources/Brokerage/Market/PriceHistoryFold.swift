import Foundation

/// What one fold of the price history did, and the ages it folds at.
public struct PriceHistoryFold: Sendable, Hashable {
    /// Raw points (one per sync, written before hourly points existed) older than this are
    /// folded into hours.
    public static let rawRetention: TimeInterval = 48 * 3600
    /// Hourly points older than this are folded into days.
    public static let hourlyRetention: TimeInterval = 90 * 86_400

    /// At `now`: raw points before `raw` fold into hours, hourly points before `hourly`
    /// into days (each cut on its interval's boundary, so no bucket is split).
    public static func cuts(now: Date) -> (raw: Date, hourly: Date) {
        (
            PriceInterval.hour.start(of: now.addingTimeInterval(-rawRetention)),
            PriceInterval.day.start(of: now.addingTimeInterval(-hourlyRetention))
        )
    }

    /// Raw points folded (and removed).
    public var rawFolded: Int
    /// Hourly points folded into days (and removed).
    public var hoursFolded: Int

    public init(rawFolded: Int, hoursFolded: Int) {
        self.rawFolded = rawFolded
        self.hoursFolded = hoursFolded
    }
}

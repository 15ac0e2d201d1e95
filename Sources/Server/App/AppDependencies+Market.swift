import Brokerage
import Foundation

extension AppDependencies {
    /// Rebuilds the in-memory market from the database after a listing changes, so search
    /// and cluster planning see it at once rather than after the next sync (which rebuilds
    /// from the same table, listings included).
    func refreshMarket() async throws {
        let offers = try await store.allOffers()
        market.replace(with: MarketIndex(offers: offers, builtAt: Date(timeIntervalSince1970: TimeInterval(now()))))
    }
}

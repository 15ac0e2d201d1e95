import Brokerage
import Foundation

extension AppDependencies {
    /// Rebuilds the in-memory market from the database after a listing changes, so search
    /// and cluster planning see it at once rather than after the next sync (which rebuilds
    /// from the same table, listings included). The holder's ticket keeps a sync that read
    /// the table before the change from publishing over this.
    func refreshMarket() async throws {
        try await rebuildMarket()
        await marketChanges?.announce()
    }

    /// Rebuilds the in-memory market from the database, telling no one.
    func rebuildMarket() async throws {
        let ticket = market.ticket()
        let offers = try await store.allOffers()
        let delivery = try await store.providerDelivery(since: clock.epochSeconds - ProviderDelivery.window)
        market.replace(with: MarketIndex(offers: offers, builtAt: clock.now, delivery: delivery), ticket: ticket)
    }
}

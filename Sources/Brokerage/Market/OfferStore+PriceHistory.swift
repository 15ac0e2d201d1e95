import Foundation

extension OfferStore {
    /// Hourly points for a model at or after `since`, oldest first.
    public func priceHistory(model: GPUModel, provider: ProviderID?, since: Date) async throws -> [PriceHistoryPoint] {
        try await priceHistory(model: model, provider: provider, from: since, to: .distantFuture, interval: .hour)
    }

    /// The series for `GET /gpus/{model}/price-history?provider=&hours=`: points of the last
    /// `hours` hours before `now`, oldest first. `hours` must be 1...8760 (a year).
    public func priceHistory(
        model: GPUModel, provider: ProviderID?, lastHours hours: Int, now: Date
    ) async throws -> [PriceHistoryPoint] {
        guard (1...8760).contains(hours) else {
            throw MarketValidationError(field: "hours", "must be a whole number of hours from 1 to 8760")
        }
        return try await priceHistory(
            model: model, provider: provider, since: now.addingTimeInterval(-Double(hours) * 3600))
    }
}

import Brokerage
import Foundation
import Hummingbird
import Timekeeping

/// `GET /api/v1/market/models/{model}/price-history?from=&to=&interval=hour|day`: a
/// model's price series per provider (and all providers together) for the chart.
struct PriceHistoryRoutes {
    let deps: AppDependencies

    /// Longest window per interval: about a month of hours, three years of days.
    static let maxSpan: [PriceInterval: TimeInterval] = [.hour: 31 * 86_400, .day: 3 * 366 * 86_400]

    struct SeriesView: Codable {
        /// null: all providers together.
        let provider: Nullable<String>
        let points: [PricePointView]
    }

    struct HistoryView: Codable {
        let model: String
        let model_name: String
        let interval: String
        let from: String
        let to: String
        let items: [SeriesView]
    }

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .get, "/api/v1/market/models/{model}/price-history",
                "Price series of a model per provider and for all together: one point {t, min, p10, median, p90, max, offers} per hour or day in [from, to)",
                tag: "marketplace", returns: HistoryView.self,
                responses: [200: "OK", 404: "Unknown model", 422: "Bad from, to or interval"],
                query: ["from", "to", "interval"])
        ) { request, context in
            let model = try MarketRoutes.model(
                try context.parameters.require("model"), among: deps.market.current.uncataloguedModels)
            let interval = try Self.interval(request.queryString("interval"))
            let to = try request.queryTime("to").map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? deps.clock.now
            let span = Self.maxSpan[interval] ?? 0
            let from =
                try request.queryTime("from").map { Date(timeIntervalSince1970: TimeInterval($0)) }
                ?? to.addingTimeInterval(interval == .hour ? -7 * 86_400 : -365 * 86_400)
            guard from < to else { throw APIError.validation("from must be before to", field: "from") }
            guard to.timeIntervalSince(from) <= span else {
                throw APIError.validation(
                    "from..to may span at most \(Int(span / 86_400)) days at interval \(interval.rawValue)",
                    field: "from")
            }
            var items: [SeriesView] = []
            for provider in [nil] + ProviderID.allCases.map(Optional.some) {
                let points = try await deps.store.priceHistory(
                    model: model, provider: provider, from: from, to: to, interval: interval)
                if provider == nil || !points.isEmpty {
                    items.append(
                        SeriesView(provider: Nullable(provider?.rawValue), points: points.map(PricePointView.init)))
                }
            }
            return try .json(
                HistoryView(
                    model: model.id, model_name: model.name, interval: interval.rawValue, from: RFC3339.format(from),
                    to: RFC3339.format(to), items: items))
        }
    }

    static func interval(_ text: String?) throws -> PriceInterval {
        guard let text else { return .hour }
        guard let interval = PriceInterval(rawValue: text.lowercased()) else {
            throw APIError.validation("interval must be hour or day", field: "interval")
        }
        return interval
    }
}

import Brokerage
import Ethereum
import Foundation
import Hummingbird

/// `/api/v1/arbitrage`: cross-provider price gaps, precomputed per sync in the index's
/// ``ArbitrageBook``, so these are lookups. How `spread_pct` is computed travels in each
/// answer (`spread_pct_formula`) and in the README.
struct ArbitrageRoutes {
    let deps: AppDependencies

    struct BestDealView: Codable {
        let gpu_model: String
        let offer: OfferView
        let opportunity: OpportunityView?
    }

    struct SavingsView: Codable {
        let gpu_model: String
        let hours_per_day: Double
        let opportunity: OpportunityView
        let savings_per_day: USDC
        let savings_per_month: USDC
    }

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .get, "/api/v1/arbitrage/opportunities",
                "Largest cross-provider gap per model: spread_pct = (reference - cheapest) / reference × 100, reference = outlier-filtered median of other providers",
                tag: "arbitrage", returns: ItemList<OpportunityView>.self,
                responses: [200: "OK", 422: "Invalid filters"],
                query: ["min_spread_pct", "gpu_model", "min_reliability", "basis"])
        ) { request, _ in
            var parameters = request.marketParameters
            if parameters["min_spread_pct"] == nil { parameters["min_spread_pct"] = "15" }
            let q = try ArbitrageQuery(
                parameters: parameters, listedModels: deps.market.current.uncataloguedModels)
            let index = deps.market.current
            let key =
                "opportunities|\(q.minSpreadPct)|\(q.model?.id ?? "")|\(q.minReliability.map { "\($0)" } ?? "")|\(q.basis)"
            let body = try deps.marketResponses.body(for: key, index: index) {
                let found = index.arbitrage.opportunities(
                    minSpreadPct: q.minSpreadPct, model: q.model, minReliability: q.minReliability, basis: q.basis)
                return Array(try encodeJSON(ItemList(items: found.map { OpportunityView($0, booking: deps.booking) })))
            }
            return .json(encoded: body)
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/arbitrage/best-deal/{model}",
                "Cheapest available offer of a model, with its arbitrage gap", tag: "arbitrage",
                returns: BestDealView.self,
                responses: [200: "OK", 404: "Unknown model or no offers"], query: ["min_reliability", "basis"])
        ) { request, context in
            let listed = deps.market.current.uncataloguedModels
            let model = try MarketRoutes.model(try context.parameters.require("model"), among: listed)
            let q = try ArbitrageQuery(parameters: request.marketParameters, listedModels: listed)
            guard
                let deal = deps.market.current.arbitrage.bestDeal(
                    for: model, minReliability: q.minReliability, basis: q.basis)
            else {
                throw APIError(.notFound, code: "no_offers", message: "no available offer of \(model.id)")
            }
            return try .json(
                BestDealView(
                    gpu_model: model.id, offer: OfferView(deal.offer, booking: deps.booking),
                    opportunity: deal.opportunity.map { OpportunityView($0, booking: deps.booking) }))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/arbitrage/savings/{model}",
                "Savings per day and month of the best gap for a usage pattern", tag: "arbitrage",
                returns: SavingsView.self,
                responses: [200: "OK", 404: "Unknown model or no gap", 422: "Bad hours_per_day"],
                query: ["hours_per_day", "min_reliability"])
        ) { request, context in
            let listed = deps.market.current.uncataloguedModels
            let model = try MarketRoutes.model(try context.parameters.require("model"), among: listed)
            let q = try ArbitrageQuery(parameters: request.marketParameters, listedModels: listed)
            guard
                let s = deps.market.current.arbitrage.savings(
                    for: model, hoursPerDay: q.hoursPerDay, minReliability: q.minReliability)
            else {
                throw APIError(
                    .notFound, code: "no_opportunity", message: "no cross-provider price gap for \(model.id)")
            }
            return try .json(
                SavingsView(
                    gpu_model: model.id, hours_per_day: s.hoursPerDay,
                    opportunity: OpportunityView(s.opportunity, booking: deps.booking),
                    savings_per_day: s.savingsPerDay, savings_per_month: s.savingsPerMonth))
        }
    }
}

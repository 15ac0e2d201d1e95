import Brokerage
import Foundation
import Hummingbird
import JSON
import Storage
import Timekeeping

/// `/api/v1/gpus`: search, detail, compare, catalogue and price history. Reads come from
/// the in-memory ``MarketIndex`` the sync service swaps in (no database round trip per
/// search); an id the index no longer holds falls back to the store, where vanished
/// offers stay addressable.
struct MarketRoutes {
    let deps: AppDependencies

    struct CompareBody: Decodable { let gpu_ids: [String] }

    struct CompareView: Codable {
        let items: [OfferView]
        let cheapest_id: String
        let best_g_score_id: String
    }

    static let compareSchema: JSONValue = [
        "type": "object", "required": ["gpu_ids"],
        "properties": ["gpu_ids": ["type": "array", "minItems": 2, "maxItems": 3, "items": ["type": "string"]]],
    ]

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .get, "/api/v1/gpus/search", "Search offers across providers (filters, sort, cursor pages)",
                tag: "marketplace", returns: Page<OfferView>.self,
                responses: [200: "OK", 422: "Invalid or contradictory filters"],
                query: [
                    "model", "min_vram", "max_price", "provider", "location", "min_reliability", "min_gpus",
                    "available_only", "sort", "limit", "cursor",
                ])
        ) { request, _ in
            let query = try OfferQuery(
                parameters: request.marketParameters, listedModels: deps.market.current.uncataloguedModels
            ).validated()
            let index = deps.market.current
            return .json(encoded: try deps.offerJSON.page(index.matches(query), in: index))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/gpus/models", "Canonical GPU models on the market, with offer counts and cheapest price",
                tag: "marketplace", returns: ItemList<ModelSummaryView>.self)
        ) { _, _ in
            try .json(ItemList(items: deps.market.current.modelSummaries().map(ModelSummaryView.init)))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/gpus/providers", "Providers with offer counts, data origin and last sync",
                tag: "marketplace", returns: ItemList<ProviderSummaryView>.self)
        ) { _, _ in
            try .json(ItemList(items: deps.market.current.providerSummaries().map(ProviderSummaryView.init)))
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/gpus/compare", "Compare 2 or 3 offers side by side", tag: "marketplace",
                accepts: CompareBody.self, body: Self.compareSchema, returns: CompareView.self,
                responses: [200: "OK", 404: "Unknown offer id", 422: "Not 2 or 3 ids"])
        ) { request, context in
            let body = try request.decodeJSON(CompareBody.self, from: try await request.bodyBuffer(context: context))
            guard (2...3).contains(body.gpu_ids.count) else {
                throw APIError.validation("gpu_ids must list 2 or 3 offer ids", field: "gpu_ids")
            }
            guard Set(body.gpu_ids).count == body.gpu_ids.count else {
                throw APIError.validation("gpu_ids must not repeat an id", field: "gpu_ids")
            }
            var offers: [Offer] = []
            for id in body.gpu_ids { offers.append(try await offer(id)) }
            let cheapest = offers.min { $0.pricePerGPUHour < $1.pricePerGPUHour }!
            let best = offers.max { $0.gScore < $1.gScore }!
            return try .json(
                CompareView(
                    items: offers.map { OfferView($0, booking: deps.booking) }, cheapest_id: cheapest.id,
                    best_g_score_id: best.id))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/gpus/{id}", "One offer by id", tag: "marketplace", returns: OfferView.self,
                responses: [200: "OK", 404: "Unknown offer"])
        ) { _, context in
            try .json(OfferView(try await offer(try context.parameters.require("id")), booking: deps.booking))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/gpus/{id}/price-history",
                "Hourly price series {t, min, median, max, offers} of a model ({id} is the model id or name), optionally for one provider",
                tag: "marketplace", returns: ItemList<PricePointView>.self,
                responses: [200: "OK", 404: "Unknown model", 422: "Bad provider or hours"],
                query: ["provider", "hours"])
        ) { request, context in
            let model = try Self.model(
                try context.parameters.require("id"), among: deps.market.current.uncataloguedModels)
            let provider = try request.queryString("provider").map { name -> ProviderID in
                guard let p = ProviderID(rawValue: name.lowercased()) else {
                    throw APIError.validation(
                        "provider must be one of \(ProviderID.allCases.map(\.rawValue).joined(separator: ", "))",
                        field: "provider")
                }
                return p
            }
            let hours =
                try request.queryString("hours").map { text -> Int in
                    guard let h = Int(text) else {
                        throw APIError.validation("hours must be a whole number from 1 to 8760", field: "hours")
                    }
                    return h
                } ?? 24
            let points = try await deps.store.priceHistory(
                model: model, provider: provider, lastHours: hours,
                now: deps.clock.now)
            return try .json(ItemList(items: points.map(PricePointView.init)))
        }
    }

    /// The offer from the index, else from the store (vanished offers stay addressable).
    private func offer(_ id: String) async throws -> Offer {
        if let o = deps.market.current.offer(id: id) { return o }
        if let o = try await deps.store.offer(id: id) { return o }
        throw APIError(.notFound, code: "gpu_not_found", message: "no offer with id \(id.prefix(80))")
    }

    /// A catalogue model by slug or name, or a listed model outside it by its id; 404 otherwise.
    static func model(_ text: String, among listed: [String: GPUModel]) throws -> GPUModel {
        guard let m = GPUModel.lookup(text.removingPercentEncoding ?? text, among: listed) else {
            throw APIError(
                .notFound, code: "model_not_found",
                message: "unknown GPU model \"\(text.prefix(64))\"; see GET /api/v1/gpus/models")
        }
        return m
    }
}

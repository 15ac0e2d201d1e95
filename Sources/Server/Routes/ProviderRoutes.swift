import Brokerage
import Ethereum
import Foundation
import Hummingbird
import JSON
import Storage
import Timekeeping

/// `/api/v1/provider`: GPU owners (role `provider`) list machines, which the market shows
/// as provider `gp4u` offers, and follow their earnings and G-Score.
struct ProviderRoutes {
    let deps: AppDependencies
    var store: SQLStore { deps.store }

    struct ListingBody: Decodable {
        let model: String?
        let gpu_count: Int?
        let vram_gb: Int?
        let price_per_hour: USDC?
        let location: String?
        let country: String?
        let available: Bool?

        var input: GPUListingInput {
            GPUListingInput(
                model: model, gpuCount: gpu_count, vramGB: vram_gb, pricePerHour: price_per_hour, location: location,
                country: country,
                available: available)
        }
    }

    struct EarningsView: Codable {
        struct Item: Codable {
            let transaction_id: String
            let type: String
            let amount: USDC
            let balance_after: USDC
            let references: [String: String]
            let created_at: String
        }
        let earnings: USDC
        let total_earned: USDC
        let items: [Item]
    }

    struct GScoreView: Codable {
        struct Item: Codable {
            let gpu_id: String
            let model: String
            let gpu_count: Int
            let g_score: Double
            let performance: Double
            let reliability: Double
            let efficiency: Double
        }
        let items: [Item]
        /// GPU-weighted mean over the caller's listings; nil with none.
        let g_score: Double?
        let weights: [String: Double]
        var formula = "G = P^wp × R^wr × E^we (see README, G-Score)"
    }

    static let listingProperties: JSONValue = [
        "model": ["type": "string", "example": "RTX 4090"],
        "gpu_count": ["type": "integer", "minimum": 1, "maximum": 64],
        "vram_gb": ["type": "integer"], "price_per_hour": ["type": "string", "example": "0.45"],
        "location": ["type": "string", "example": "Frankfurt, DE"], "country": ["type": "string", "example": "DE"],
        "available": ["type": "boolean"],
    ]

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .post, "/api/v1/provider/gpus",
                "List a GPU machine (provider role); it appears in search as provider gp4u",
                tag: "provider", access: .user,
                accepts: ListingBody.self,
                body: [
                    "type": "object", "required": ["model", "price_per_hour", "location"],
                    "properties": Self.listingProperties,
                ],
                returns: GPUListingView.self,
                responses: [201: "Listed", 403: "Not a provider", 422: "Invalid listing (every bad field in details)"])
        ) { request, context in
            let id = try context.require(role: .provider)
            let body = try request.decodeJSON(ListingBody.self, from: try await request.bodyBuffer(context: context))
            let listing = try body.input.apply(
                to: nil, id: GPUListing.offerID(uuid: UUID().uuidString.lowercased()), ownerID: id.userID,
                now: deps.clock.epochSeconds)
            try await store.createListing(listing)
            try await deps.refreshMarket()
            return try .json(GPUListingView(listing), status: .created)
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/provider/gpus", "The caller's listings, newest first", tag: "provider", access: .user,
                returns: ItemList<GPUListingView>.self, responses: [200: "OK", 403: "Not a provider"])
        ) { _, context in
            let id = try context.require(role: .provider)
            return try .json(ItemList(items: try await store.listings(ownerID: id.userID).map(GPUListingView.init)))
        }

        api.add(
            RouteSpec(
                .patch, "/api/v1/provider/gpus/{id}",
                "Change a listing's price, availability, location or hardware (owner only)",
                tag: "provider", access: .user, accepts: ListingBody.self,
                body: ["type": "object", "properties": Self.listingProperties],
                returns: GPUListingView.self,
                responses: [
                    200: "Updated", 403: "Not a provider", 404: "No such listing of the caller", 422: "Invalid change",
                ])
        ) { request, context in
            let id = try context.require(role: .provider)
            guard let current = try await store.listing(id: try context.parameters.require("id")),
                current.ownerID == id.userID
            else {
                throw APIError.notFound("listing")
            }
            let body = try request.decodeJSON(ListingBody.self, from: try await request.bodyBuffer(context: context))
            let listing = try body.input.apply(
                to: current, id: current.id, ownerID: id.userID, now: deps.clock.epochSeconds)
            try await store.updateListing(listing)
            try await deps.refreshMarket()
            return try .json(GPUListingView(listing))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/provider/earnings", "Earnings balance and the latest earning entries", tag: "provider",
                access: .user, returns: EarningsView.self, responses: [200: "OK", 403: "Not a provider"],
                query: ["limit"])
        ) { request, context in
            let id = try context.require(role: .provider)
            let summary = try await store.summary(userID: id.userID)
            let items = try await store.earningsHistory(userID: id.userID, limit: try request.limit()).map {
                EarningsView.Item(
                    transaction_id: $0.transactionID, type: $0.kind.rawValue, amount: $0.amount,
                    balance_after: $0.balanceAfter,
                    references: $0.references, created_at: RFC3339.format($0.createdAt))
            }
            return try .json(EarningsView(earnings: summary.earnings, total_earned: summary.totalEarned, items: items))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/provider/g-score",
                "G-Score of each of the caller's listings and their GPU-weighted mean", tag: "provider", access: .user,
                returns: GScoreView.self, responses: [200: "OK", 403: "Not a provider"])
        ) {
            _, context in
            let id = try context.require(role: .provider)
            let offers = try await store.listings(ownerID: id.userID).map(\.offer)
            let items = offers.map { o in
                GScoreView.Item(
                    gpu_id: o.id, model: o.model.name, gpu_count: o.gpuCount, g_score: o.gScore,
                    performance: o.perfScore.map(GScore.performanceFactor) ?? 0.5,
                    reliability: o.reliability,
                    efficiency: o.perfScore.map { GScore.efficiencyFactor(perf: $0, pricePerHour: o.pricePerHour) }
                        ?? 0.5)
            }
            let gpus = offers.reduce(0) { $0 + $1.gpuCount }
            let mean = gpus > 0 ? offers.reduce(0.0) { $0 + $1.gScore * Double($1.gpuCount) } / Double(gpus) : nil
            let w = GScore.weights(for: .gp4u)
            return try .json(
                GScoreView(
                    items: items, g_score: mean,
                    weights: ["performance": w.performance, "reliability": w.reliability, "efficiency": w.efficiency]))
        }
    }
}

import Ethereum
import Foundation

/// An immutable, query-ready view of all offers: rebuilt once per sync, then shared by
/// every reader (hold it in a ``MarketIndexHolder``) so searches never wait on a rebuild.
///
/// Building pre-sorts the offers once per ``OfferSort`` and precomputes the
/// ``ArbitrageBook``, so a search is a scan of a pre-sorted list from the cursor position
/// and an arbitrage request is a lookup. Everything sits behind one reference: a copy is
/// one retain (every request takes one), and two copies of one build are
/// ``isIdentical(to:)``, which is what caches of derived answers key on.
public struct MarketIndex: Sendable {
    private let built: Built

    /// Offers in the index (snapshot offers of providers that have live data are dropped).
    public var offers: [Offer] { built.offers }
    public var builtAt: Date { built.builtAt }
    /// Precomputed arbitrage over these offers.
    public var arbitrage: ArbitrageBook { built.arbitrage }
    /// Models outside the catalogue that these offers are listed under, by derived id:
    /// what filters may name besides the catalogue.
    public var uncataloguedModels: [String: GPUModel] { built.uncataloguedModels }

    private final class Built: Sendable {
        let offers: [Offer]
        let builtAt: Date
        let arbitrage: ArbitrageBook
        let positionByID: [String: Int]
        let orders: [OfferSort: SortedOrder]
        let columns: Columns
        let uncataloguedModels: [String: GPUModel]

        init(
            offers: [Offer], builtAt: Date, arbitrage: ArbitrageBook, positionByID: [String: Int],
            orders: [OfferSort: SortedOrder], columns: Columns
        ) {
            (self.offers, self.builtAt, self.arbitrage, self.positionByID, self.orders, self.columns) =
                (offers, builtAt, arbitrage, positionByID, orders, columns)
            var uncatalogued: [String: GPUModel] = [:]
            for offer in offers where !offer.model.isCatalogued { uncatalogued[offer.model.id] = offer.model }
            uncataloguedModels = uncatalogued
        }
    }

    /// The filterable fields as plain columns, so a search scan touches integers, not
    /// reference-counted offers, until an offer is about to be returned.
    struct Columns: Sendable {
        var modelOrdinal: [Int32] = []
        var provider: [ProviderID] = []
        var vramGB: [Int32] = []
        var gpuCount: [Int32] = []
        var reliability: [Double] = []
        var pricePerGPUHour: [Int64] = []
        var available: [Bool] = []

        init() {}

        init(_ offers: [Offer]) {
            modelOrdinal.reserveCapacity(offers.count)
            for offer in offers {
                modelOrdinal.append(Int32(offer.model.ordinal))
                provider.append(offer.provider)
                vramGB.append(Int32(clamping: offer.vramGB))
                gpuCount.append(Int32(clamping: offer.gpuCount))
                reliability.append(offer.reliability)
                pricePerGPUHour.append(offer.pricePerGPUHour.micro)
                available.append(offer.available)
            }
        }
    }

    struct SortedOrder: Sendable {
        /// Offer positions, ascending by (key, id).
        var positions: [Int32]
        /// Keys aligned with `positions`.
        var keys: [Int64]
    }

    /// An index with no offers (before the first sync or snapshot load).
    public static let empty = MarketIndex(offers: [], builtAt: Date(timeIntervalSince1970: 0))

    /// `delivery` weighs each provider's record of rented machines into its offers'
    /// G-Score (``ProviderDelivery/factor``).
    public init(
        offers input: [Offer], builtAt: Date, delivery: [ProviderID: ProviderDelivery] = [:],
        arbitrageExclusions: Set<ProviderID> = ArbitrageBook.defaultEstimateExclusions
    ) {
        let liveProviders = Set(input.lazy.filter { $0.source == .live }.map(\.provider))
        var offers = input.filter { $0.source == .live || !liveProviders.contains($0.provider) }
        if !delivery.isEmpty {
            for i in offers.indices {
                if let record = delivery[offers[i].provider] { offers[i].weighDelivery(record.factor) }
            }
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(offers.count)
        for (i, offer) in offers.enumerated() { positions[offer.id] = i }
        // Ties break on the offer id: order the offers by id once, then sort each key in
        // that order (a stable integer sort, so ties keep the id order).
        var idOrder = Array(0..<Int32(offers.count))
        idOrder.sort { offers[Int($0)].id < offers[Int($1)].id }
        var orders: [OfferSort: SortedOrder] = [:]
        for sort in OfferSort.allCases {
            // Offers with no key in this order (no performance score) are left out of it.
            var ranked: [Int32] = []
            var keys: [Int64] = []
            ranked.reserveCapacity(idOrder.count)
            keys.reserveCapacity(idOrder.count)
            for position in idOrder {
                guard let key = sort.key(offers[Int(position)]) else { continue }
                ranked.append(position)
                keys.append(key)
            }
            let ranks = ArbitrageBook.ascendingPositions(keys)
            orders[sort] = SortedOrder(positions: ranks.map { ranked[Int($0)] }, keys: ranks.map { keys[Int($0)] })
        }
        var arbitrageOrders: [ArbitrageBasis: [Int32]] = [:]
        for basis in ArbitrageBasis.allCases { arbitrageOrders[basis] = orders[basis.sort]?.positions }
        built = Built(
            offers: offers, builtAt: builtAt,
            arbitrage: ArbitrageBook(offers: offers, orders: arbitrageOrders, estimateExclusions: arbitrageExclusions),
            positionByID: positions, orders: orders, columns: Columns(offers))
    }

    /// Whether both are copies of the same build (not merely equal contents).
    public func isIdentical(to other: MarketIndex) -> Bool { built === other.built }

    /// The offer with this id (`vastai-12345`), available or not.
    public func offer(id: String) -> Offer? { position(of: id).map { offers[$0] } }

    /// Where the offer with this id sits in ``offers``.
    public func position(of id: String) -> Int? { built.positionByID[id] }

    /// One page of offers matching `query`, in its sort order, after its cursor.
    public func search(_ query: OfferQuery) -> OfferPage {
        let found = matches(query)
        let offers = self.offers
        return OfferPage(items: found.positions.map { offers[$0] }, nextCursor: found.nextCursor)
    }

    /// ``search(_:)`` as positions in ``offers``: the search route renders pages from
    /// JSON made once per index, and copying the offers themselves (strings and all)
    /// cost more than finding them.
    public func matches(_ query: OfferQuery) -> OfferMatches {
        let offers = built.offers
        guard let order = built.orders[query.sort] else { return OfferMatches(positions: [], nextCursor: nil) }
        var start = 0
        if let cursor = query.cursor.flatMap(OfferCursor.init(encoded:)), cursor.sort == query.sort {
            start = firstPosition(after: cursor, in: order)
        }
        let limit = min(max(1, query.limit), OfferQuery.maxLimit)
        var found: [Int] = []
        found.reserveCapacity(limit)
        var i = start
        var lastKey: Int64 = 0
        var more = false
        let c = built.columns
        let modelOrdinal = query.model.map { Int32($0.ordinal) }
        let providerFilter = query.providers.isEmpty ? nil : query.providers
        let minVRAM = query.minVRAM.map { Int32(clamping: $0) }
        let minGPUs = query.minGPUs.map { Int32(clamping: $0) }
        let maxPrice = query.maxPrice?.micro
        while i < order.positions.count {
            defer { i += 1 }
            let p = Int(order.positions[i])
            if query.availableOnly && !c.available[p] { continue }
            if let modelOrdinal {
                if modelOrdinal >= 0 {
                    if c.modelOrdinal[p] != modelOrdinal { continue }
                } else if offers[p].model != query.model {
                    continue
                }
            }
            if let maxPrice, c.pricePerGPUHour[p] > maxPrice { continue }
            if let minVRAM, c.vramGB[p] < minVRAM { continue }
            if let minGPUs, c.gpuCount[p] < minGPUs { continue }
            if let minReliability = query.minReliability, c.reliability[p] < minReliability { continue }
            if let providerFilter, !providerFilter.contains(c.provider[p]) { continue }
            if let location = query.location, !offers[p].location.matches(location) { continue }
            if found.count == limit {
                more = true
                break
            }
            found.append(p)
            lastKey = order.keys[i]
        }
        let next =
            more ? found.last.map { OfferCursor(sort: query.sort, key: lastKey, id: offers[$0].id).encoded } : nil
        return OfferMatches(positions: found, nextCursor: next)
    }

    /// First position whose (key, id) sorts strictly after the cursor's.
    private func firstPosition(after cursor: OfferCursor, in order: SortedOrder) -> Int {
        let offers = built.offers
        var lo = 0
        var hi = order.keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let k = order.keys[mid]
            let after = k != cursor.key ? k > cursor.key : offers[Int(order.positions[mid])].id > cursor.id
            if after { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Canonical models present, with offer counts and the cheapest available price per
    /// GPU-hour (for `GET /gpus/models`).
    public func modelSummaries() -> [ModelSummary] {
        var byModel: [GPUModel: ModelSummary] = [:]
        for offer in offers {
            var s =
                byModel[offer.model]
                ?? ModelSummary(
                    model: offer.model, offers: 0, availableOffers: 0, providers: [], cheapestPricePerGPUHour: nil)
            s.offers += 1
            if offer.available {
                s.availableOffers += 1
                if s.cheapestPricePerGPUHour.map({ offer.pricePerGPUHour < $0 }) ?? true {
                    s.cheapestPricePerGPUHour = offer.pricePerGPUHour
                }
            }
            s.providers.insert(offer.provider)
            byModel[offer.model] = s
        }
        return byModel.values.sorted { $0.model < $1.model }
    }

    /// Per-provider counts and data origin (for `GET /gpus/providers`).
    public func providerSummaries() -> [ProviderSummary] {
        ProviderID.allCases.map { provider in
            let mine = offers.filter { $0.provider == provider }
            return ProviderSummary(
                provider: provider, offers: mine.count, availableOffers: mine.filter(\.available).count,
                source: mine.contains { $0.source == .live } ? .live : (mine.isEmpty ? nil : .sample),
                lastSynced: mine.map(\.lastSynced).max())
        }
    }
}

/// One page of search results as positions in ``MarketIndex/offers``.
public struct OfferMatches: Sendable, Equatable {
    public var positions: [Int]
    /// Pass back as `cursor` for the next page; nil on the last page.
    public var nextCursor: String?

    public init(positions: [Int], nextCursor: String?) { (self.positions, self.nextCursor) = (positions, nextCursor) }
}

/// One page of search results.
public struct OfferPage: Sendable {
    public var items: [Offer]
    /// Pass back as `cursor` for the next page; nil on the last page.
    public var nextCursor: String?
}

/// A canonical model and what the market has of it.
public struct ModelSummary: Sendable, Hashable {
    public var model: GPUModel
    public var offers: Int
    public var availableOffers: Int
    public var providers: Set<ProviderID>
    public var cheapestPricePerGPUHour: USDC?
}

/// A provider's share of the index.
public struct ProviderSummary: Sendable, Hashable {
    public var provider: ProviderID
    public var offers: Int
    public var availableOffers: Int
    /// nil when the provider has no offers at all.
    public var source: OfferOrigin?
    public var lastSynced: Date?
}

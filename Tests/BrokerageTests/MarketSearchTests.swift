import Ethereum
import Foundation
import Synchronization
import Testing

@testable import Brokerage

@Suite("Market search")
struct MarketSearchTests {
    typealias F = MarketFixtures

    static let offers: [Offer] = [
        F.offer(.vastai, "1", price: "0.40", reliability: 0.99),
        F.offer(.vastai, "2", price: "0.35", reliability: 0.90, location: OfferLocation(geolocation: "Germany, DE")),
        F.offer(.vastai, "3", price: "1.60", gpus: 4, reliability: 0.97),
        F.offer(.vastai, "4", price: "0.30", available: false),
        F.offer(.ionet, "5", model: "h100-sxm", price: "2.00", reliability: 0.95),
        F.offer(.akash, "6", model: "h100-sxm", price: "1.70", reliability: 0.95, kind: .estimate),
        F.offer(
            .ionet, "7", model: "rtx-3090", price: "0.20", reliability: 0.93,
            location: OfferLocation(geolocation: "Japan, JP")),
    ]

    let index = MarketIndex(offers: offers, builtAt: F.t0)

    func ids(_ query: OfferQuery) -> [String] { index.search(query).items.map(\.id) }

    @Test func defaultSortIsPricePerGPUHourAndHidesUnavailable() {
        #expect(ids(OfferQuery()) == ["ionet-7", "vastai-2", "vastai-1", "vastai-3", "akash-6", "ionet-5"])
    }

    @Test func filters() throws {
        #expect(
            ids(try OfferQuery(parameters: ["model": "NVIDIA GeForce RTX 4090"])) == [
                "vastai-2", "vastai-1", "vastai-3",
            ])
        #expect(ids(try OfferQuery(parameters: ["min_vram": "40"])) == ["akash-6", "ionet-5"])
        #expect(ids(try OfferQuery(parameters: ["max_price": "0.35"])) == ["ionet-7", "vastai-2"])
        #expect(ids(try OfferQuery(parameters: ["provider": "akash,ionet"])) == ["ionet-7", "akash-6", "ionet-5"])
        #expect(ids(try OfferQuery(parameters: ["location": "de"])) == ["vastai-2"])
        #expect(ids(try OfferQuery(parameters: ["location": "japan"])) == ["ionet-7"])
        #expect(ids(try OfferQuery(parameters: ["min_reliability": "0.96"])) == ["vastai-1", "vastai-3"])
        #expect(ids(try OfferQuery(parameters: ["min_gpus": "2"])) == ["vastai-3"])
        #expect(
            ids(try OfferQuery(parameters: ["available_only": "false", "model": "rtx-4090"])) == [
                "vastai-4", "vastai-2", "vastai-1", "vastai-3",
            ])
    }

    @Test func sorts() throws {
        #expect(ids(try OfferQuery(parameters: ["sort": "reliability"])).first == "vastai-1")
        let byG = index.search(try OfferQuery(parameters: ["sort": "g_score"])).items.map(\.gScore)
        #expect(byG == byG.sorted(by: >))
        let byPPP = index.search(try OfferQuery(parameters: ["sort": "price_per_perf"])).items.compactMap(
            \.pricePerPerf)
        #expect(byPPP == byPPP.sorted())
    }

    @Test func anOfferWithoutAPerformanceScoreIsListedButNotRankedOnIt() throws {
        let unknown = F.offer(.vastai, "9", model: "rtx-9090-z", price: "0.05", vram: 32)
        #expect(unknown.perfScore == nil && unknown.pricePerPerf == nil && unknown.clusterCandidate == nil)
        #expect((0...1).contains(unknown.gScore))
        let idx = MarketIndex(offers: Self.offers + [unknown], builtAt: F.t0)
        #expect(idx.search(OfferQuery()).items.first?.id == "vastai-9", "cheapest by price")
        let byModel = idx.search(
            try OfferQuery(parameters: ["model": "rtx-9090-z"], listedModels: idx.uncataloguedModels)
        ).items.map(\.id)
        #expect(byModel == ["vastai-9"])
        #expect(throws: MarketValidationError.self) { try OfferQuery(parameters: ["model": "rtx-9090-z"]) }
        #expect(throws: MarketValidationError.self) { try OfferQuery(parameters: ["model": "RTX 9090 Z!"]) }
        let ppp = idx.search(try OfferQuery(parameters: ["sort": "price_per_perf", "limit": "100"])).items
        #expect(!ppp.contains { $0.id == "vastai-9" } && ppp.count == 6)
        // The book sorting the offers itself leaves it out of price_per_perf too.
        let book = ArbitrageBook(
            offers: Self.offers + [unknown, F.offer(.ionet, "10", model: "rtx-9090-z", price: "0.09")])
        #expect(book.best(for: unknown.model, basis: .perPerformance) == nil)
        #expect(book.best(for: unknown.model)?.cheapest.id == "vastai-9")
        for sort in ["g_score", "reliability", "price"] {
            let all = idx.search(try OfferQuery(parameters: ["sort": sort, "limit": "100"])).items
            #expect(all.contains { $0.id == "vastai-9" }, "listed when sorted by \(sort)")
        }
    }

    @Test func cursorPagesThroughEveryOfferOnceInOrder() throws {
        var seen: [String] = []
        var cursor: String?
        repeat {
            var params = ["limit": "2", "sort": "price"]
            if let cursor { params["cursor"] = cursor }
            let page = index.search(try OfferQuery(parameters: params))
            #expect(page.items.count <= 2)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == ids(OfferQuery()))
    }

    @Test func parametersAreTrimmedOfSpacesAndTabs() throws {
        let q = try OfferQuery(parameters: [
            "model": " \trtx-4090 ", "provider": " vastai , ionet\t", "min_vram": "  ", "sort": "price ",
        ])
        #expect(q.model == GPUModel.lookup("RTX 4090"))
        #expect(q.providers == [.vastai, .ionet])
        #expect(q.minVRAM == OfferQuery().minVRAM)
        #expect(q.sort == .price)
        #expect(try ArbitrageQuery(parameters: ["min_spread_pct": " 20 "]).minSpreadPct == 20)
    }

    @Test func cursorIsUnpaddedBase64URLAndReadsBack() throws {
        // Ids covering every padding length, and bytes that base64 writes as + and /.
        for id in ["vastai-1", "vastai-12", "vastai-123", "gp4u-\u{FB}\u{FF}?>", "x"] {
            let cursor = OfferCursor(sort: .price, key: -42, id: id)
            let foundation = Data("c1|price|-42|\(id)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                    of: "=", with: "")
            #expect(cursor.encoded == foundation)
            #expect(OfferCursor(encoded: cursor.encoded) == cursor)
        }
    }

    @Test func cursorSurvivesARebuild() throws {
        let first = index.search(try OfferQuery(parameters: ["limit": "2"]))
        let cheaper = F.offer(.vastai, "8", price: "0.01")
        let rebuilt = MarketIndex(offers: Self.offers + [cheaper], builtAt: F.t0)
        let next = rebuilt.search(try OfferQuery(parameters: ["limit": "2", "cursor": try #require(first.nextCursor)]))
        // Continues after vastai-2 by key; the new cheaper offer belongs to the first page.
        #expect(next.items.map(\.id) == ["vastai-1", "vastai-3"])
    }

    @Test func limitDefaultsTo50AndCapsAt500() throws {
        let big = MarketIndex(offers: (0..<600).map { F.offer(.vastai, "b\($0)", price: "0.50") }, builtAt: F.t0)
        #expect(big.search(OfferQuery()).items.count == 50)
        #expect(big.search(try OfferQuery(parameters: ["limit": "500"])).items.count == 500)
        #expect(throws: MarketValidationError.self) { try OfferQuery(parameters: ["limit": "501"]) }
    }

    @Test(arguments: [
        (["max_price": "-1"], "max_price"), (["max_price": "abc"], "max_price"), (["sort": "cheapest"], "sort"),
        (["provider": "aws"], "provider"), (["min_reliability": "1.5"], "min_reliability"),
        (["min_gpus": "0"], "min_gpus"),
        (["min_vram": "-4"], "min_vram"), (["model": "Voodoo 2"], "model"),
        (["available_only": "maybe"], "available_only"),
        (["cursor": "garbage!"], "cursor"), (["model": "rtx-4090", "min_vram": "80"], "min_vram"),
        (["limit": "0"], "limit"),
    ])
    func invalidQueriesAreTypedFieldErrors(params: [String: String], field: String) {
        do {
            _ = try OfferQuery(parameters: params)
            Issue.record("expected a validation error for \(params)")
        } catch {
            #expect(error.fields[field] != nil, "\(error)")
            #expect(error.code == "validation_failed")
        }
    }

    @Test func allProblemsReportedAtOnce() {
        #expect(
            throws: MarketValidationError(fields: [
                "max_price": "must not be negative", "min_gpus": "must be a whole number between 1 and 1024",
            ])
        ) { try OfferQuery(parameters: ["max_price": "-2", "min_gpus": "0"]) }
    }

    @Test func cursorFromAnotherSortIsRejected() throws {
        let page = index.search(try OfferQuery(parameters: ["limit": "1"]))
        #expect(throws: MarketValidationError.self) {
            try OfferQuery(parameters: ["sort": "g_score", "cursor": page.nextCursor ?? ""])
        }
    }

    @Test func lookupByIDAndSummaries() {
        #expect(index.offer(id: "vastai-4")?.available == false)
        #expect(index.offer(id: "vastai-999") == nil)
        let models = index.modelSummaries()
        #expect(models.map(\.model.id) == ["h100-sxm", "rtx-3090", "rtx-4090"])
        #expect(models.last?.cheapestPricePerGPUHour == F.price("0.35"))
        #expect(index.providerSummaries().first { $0.provider == .render }?.offers == 0)
    }

    @Test func snapshotOffersOfAProviderWithLiveDataAreDropped() {
        let snap = F.offer(.vastai, "snap-1", price: "0.10", source: .sample)
        let snapAkash = F.offer(.render, "snap-2", price: "0.50", source: .sample)
        let idx = MarketIndex(offers: Self.offers + [snap, snapAkash], builtAt: F.t0)
        #expect(idx.offer(id: "vastai-snap-1") == nil)
        #expect(idx.offer(id: "render-snap-2")?.source == .sample)
    }

    @Test func holderSwapsWithoutBlockingReaders() {
        let holder = MarketIndexHolder()
        #expect(holder.current.offers.isEmpty)
        holder.replace(with: index)
        #expect(holder.current.offers.count == Self.offers.count)
    }

    @Test func holderPreparesEachIndexBeforeReadersSeeIt() {
        let holder = MarketIndexHolder()
        // (offers in the prepared index, offers readers saw meanwhile)
        let seen = Mutex<[[Int]]>([])
        holder.prepareEachIndex { prepared in
            seen.withLock { $0.append([prepared.offers.count, holder.current.offers.count]) }
        }
        holder.replace(with: index)
        #expect(seen.withLock { $0 } == [[0, 0], [Self.offers.count, 0]])
        #expect(holder.current.isIdentical(to: index))
    }

    @Test func anIndexReadBeforeAnotherCannotReplaceIt() {
        let holder = MarketIndexHolder()
        let prepared = Mutex<[Int]>([])  // offer counts of the indexes prepared
        holder.prepareEachIndex { index in prepared.withLock { $0.append(index.offers.count) } }
        let (early, late) = (holder.ticket(), holder.ticket())  // a sync reads, then a listing route reads
        let fromLate = MarketIndex(offers: Self.offers, builtAt: F.t0)
        #expect(holder.replace(with: fromLate, ticket: late))
        // The slower sync finishes last.
        #expect(!holder.replace(with: MarketIndex(offers: Array(Self.offers.prefix(1)), builtAt: F.t0), ticket: early))
        #expect(holder.current.isIdentical(to: fromLate))
        #expect(prepared.withLock { $0 } == [0, Self.offers.count])  // the refused one was never prepared
        #expect(holder.replace(with: MarketIndex(offers: [], builtAt: F.t0)))  // no ticket: read now, the latest
        #expect(holder.current.offers.isEmpty)
    }

    @Test func indexesAreIdenticalOnlyToCopiesOfTheirOwnBuild() {
        let copy = index
        let twin = MarketIndex(offers: Self.offers, builtAt: F.t0)
        #expect(copy.isIdentical(to: index))
        #expect(!twin.isIdentical(to: index))
        #expect(twin.search(OfferQuery()).items.map(\.id) == index.search(OfferQuery()).items.map(\.id))
    }
}

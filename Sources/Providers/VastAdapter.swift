import Brokerage
import Ethereum
import Foundation
import Timekeeping

/// Vast.ai: searches on-demand offers with the search query language
/// (`POST {base}/api/v0/bundles/`, `Authorization: Bearer KEY`) and maps `offers`.
///
/// **The whole market.** Vast answers at most `limit` offers per query, so one query
/// ordered by price would miss the dearest machines (the 8-GPU H100s and H200s). The
/// adapter walks the price axis instead: each query asks for offers at or above a price
/// floor, cheapest first; an answer under the limit ends the walk, and a full answer
/// moves the floor to the highest price it held (offers at that price come again and
/// are de-duplicated by offer id). When a whole answer sits at one price, that band is
/// split further by offer id. Each band is thus answered under the limit, whatever the
/// market's size; ``ProviderCoverage`` reports the queries, the full answers, and whether
/// the walk finished inside its query budget.
///
/// Mapping: `dph_total` is the whole offer's USD/hour; `gpu_ram` MiB per GPU;
/// `reliability2` (else `reliability`) 0...1; `dlperf` (else `total_flops`, scaled so an
/// RTX 4090's 82.6 TFLOPS is 100) is the measured performance; available = `rentable &&
/// !rented`; `geolocation` "Region, CC". A GPU outside the catalogue is listed under a
/// derived id. Prices are firm asks.
public struct VastAdapter: OfferSource {
    public let provider = ProviderID.vastai
    public let baseURL: String
    public let apiKey: ProviderKey?
    public let http: ProviderHTTP
    /// Search query (Vast's JSON query language) without price bounds; the default lists
    /// rentable on-demand offers. The walk adds `dph_total` bounds and `order`.
    public var query: [String: VastQueryValue]
    /// Offers per answer asked for (Vast's own cap is about 1,000).
    public var limit: Int
    /// Most queries one fetch may make; a walk that needs more reports itself incomplete.
    public var maxQueries: Int
    let clock: any TimeSource

    /// Vast's `total_flops` (TFLOPS of the machine's GPUs) of one RTX 4090, the scale's 100.
    static let flopsOfReference = 82.6

    public init(
        baseURL: String, apiKey: ProviderKey?, http: ProviderHTTP, limit: Int = 1000, maxQueries: Int = 50,
        clock: any TimeSource = SystemTimeSource()
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.http = http
        self.clock = clock
        self.limit = max(1, limit)
        self.maxQueries = max(1, maxQueries)
        self.query = [
            "type": .string("on-demand"),
            "rentable": .object(["eq": .bool(true)]),
            "rented": .object(["eq": .bool(false)]),
            "num_gpus": .object(["gte": .int(1)]),
        ]
    }

    public func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        try await fetchBatch(pacer: pacer).offers
    }

    public func fetchBatch(pacer: RequestPacer) async throws -> OfferBatch {
        let now = clock.now
        var walk = VastMarketWalk(limit: limit)
        var queries = 0
        while let band = walk.nextBand {
            guard queries < maxQueries else { break }
            queries += 1
            let answer = try await send(band, pacer: pacer)
            try walk.absorb(answer, from: band)
        }
        var report = OfferParseReport()
        report.skipped = walk.malformed > 0 ? ["malformed": walk.malformed] : [:]
        for raw in walk.offers.values.sorted(by: { $0.id < $1.id }) { Self.map(raw, at: now, into: &report) }
        report.publish(provider: provider)
        return OfferBatch(
            offers: report.offers,
            coverage: ProviderCoverage(
                offersSeen: walk.offers.count + walk.malformed, offersListed: report.offers.count, queries: queries,
                limitHits: walk.fullAnswers, complete: walk.nextBand == nil, skipped: report.skipped))
    }

    /// The query of one band: the base query plus its price (and id) bounds and order.
    func body(for band: VastMarketWalk.Band) -> [String: VastQueryValue] {
        var q = query
        q["limit"] = .int(limit)
        switch band {
        case .from(let floor, let inclusive):
            if let floor { q["dph_total"] = .object([inclusive ? "gte" : "gt": .double(floor)]) }
            q["order"] = .array([.array([.string("dph_total"), .string("asc")])])
        case .atPrice(let price, let afterID):
            q["dph_total"] = .object(["eq": .double(price)])
            if let afterID { q["id"] = .object(["gt": .int(Int(afterID))]) }
            q["order"] = .array([.array([.string("id"), .string("asc")])])
        }
        return q
    }

    private func send(_ band: VastMarketWalk.Band, pacer: RequestPacer) async throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(body(for: band))
        var headers: [(String, String)] = []
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey.value)")) }
        return try await http.send(.POST, "\(baseURL)/api/v0/bundles/", headers: headers, json: json, pacer: pacer)
    }

    /// Parses a bundles answer `{"offers":[...]}`; throws only when the envelope itself is wrong.
    public static func parse(_ data: Data, at time: Date) throws(ProviderCallError) -> OfferParseReport {
        var report = OfferParseReport()
        for element in try envelope(data).offers {
            guard let raw = element.value else {
                report.skip("malformed")
                continue
            }
            map(raw, at: time, into: &report)
        }
        return report
    }

    static func envelope(_ data: Data) throws(ProviderCallError) -> Envelope {
        do { return try JSONDecoder().decode(Envelope.self, from: data) } catch {
            throw .malformed("expected an object with an \"offers\" array")
        }
    }

    /// Maps one decoded offer, or counts why it is skipped (only malformed offers are).
    static func map(_ raw: RawOffer, at time: Date, into report: inout OfferParseReport) {
        guard let model = GPUModel.resolve(name: raw.gpu_name) else {
            report.skip("malformed")
            return
        }
        guard let dph = raw.dph_total?.value, let price = USDC(providerDollars: dph), price > .zero else {
            report.skip("no_price")
            return
        }
        let count = raw.num_gpus ?? 1
        guard count >= 1, count <= 1024 else {
            report.skip("malformed")
            return
        }
        let vram = raw.gpu_ram.map { Int(($0.value / 1024).rounded()) } ?? model.vramGB
        let reliability = raw.reliability2?.value ?? raw.reliability?.value ?? 0.9
        let measured = raw.dlperf?.value ?? raw.total_flops.map { $0.value / flopsOfReference * 100 }
        report.offers.append(
            Offer(
                provider: .vastai, externalID: String(raw.id), model: model, providerModelName: raw.gpu_name,
                gpuCount: count, vramGB: vram, pricePerHour: price,
                location: OfferLocation(geolocation: raw.geolocation),
                available: (raw.rentable ?? true) && !(raw.rented ?? false), reliability: reliability,
                perfScore: PerformanceScore.score(model: model, gpuCount: count, measured: measured),
                lastSynced: time, priceKind: .firm))
    }

    struct Envelope: Decodable {
        let offers: [Lossy<RawOffer>]
    }

    struct RawOffer: Decodable, Sendable {
        let id: Int64
        let gpu_name: String
        let num_gpus: Int?
        let gpu_ram: FlexibleDouble?
        let dph_total: FlexibleDouble?
        let reliability2: FlexibleDouble?
        let reliability: FlexibleDouble?
        let dlperf: FlexibleDouble?
        let total_flops: FlexibleDouble?
        let geolocation: String?
        let rentable: Bool?
        let rented: Bool?
    }
}

/// A JSON value for Vast's query language.
public enum VastQueryValue: Sendable, Hashable, Encodable {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case array([VastQueryValue])
    case object([String: VastQueryValue])

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }
}

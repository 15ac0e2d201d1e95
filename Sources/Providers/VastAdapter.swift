import Brokerage
import Ethereum
import Foundation
import Timekeeping

/// Vast.ai: searches on-demand offers with the search query language
/// (`POST {base}/api/v0/bundles/`, `Authorization: Bearer KEY`) and maps `offers`.
///
/// Mapping: `dph_total` is the whole offer's USD/hour; `gpu_ram` MiB per GPU;
/// `reliability2` (else `reliability`) 0...1; `dlperf` refines the performance score;
/// available = `rentable && !rented`; `geolocation` "Region, CC". Prices are firm asks.
public struct VastAdapter: OfferSource {
    public let provider = ProviderID.vastai
    public let baseURL: String
    public let apiKey: String?
    public let http: ProviderHTTP
    /// Search query (Vast's JSON query language); the default lists rentable on-demand
    /// offers, cheapest first.
    public var query: [String: VastQueryValue]
    let clock: any TimeSource

    public init(
        baseURL: String, apiKey: String?, http: ProviderHTTP, limit: Int = 1000,
        clock: any TimeSource = SystemTimeSource()
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.http = http
        self.clock = clock
        self.query = [
            "limit": .int(limit),
            "type": .string("on-demand"),
            "rentable": .object(["eq": .bool(true)]),
            "rented": .object(["eq": .bool(false)]),
            "num_gpus": .object(["gte": .int(1)]),
            "order": .array([.array([.string("dph_total"), .string("asc")])]),
        ]
    }

    public func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        let body = try JSONEncoder().encode(query)
        var headers: [(String, String)] = []
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let data = try await http.send(.POST, "\(baseURL)/api/v0/bundles/", headers: headers, json: body, pacer: pacer)
        let report = try Self.parse(data, at: clock.now)
        report.publish(provider: provider)
        return report.offers
    }

    /// Parses a bundles answer `{"offers":[...]}`; throws only when the envelope itself is wrong.
    public static func parse(_ data: Data, at time: Date) throws(ProviderCallError) -> OfferParseReport {
        let envelope: Envelope
        do { envelope = try JSONDecoder().decode(Envelope.self, from: data) } catch {
            throw .malformed("expected an object with an \"offers\" array")
        }
        var report = OfferParseReport()
        for element in envelope.offers {
            guard let raw = element.value else {
                report.skip("malformed")
                continue
            }
            guard let model = GPUModel.canonical(name: raw.gpu_name) else {
                report.skip("unknown_model")
                continue
            }
            guard let dph = raw.dph_total?.value, let price = USDC(providerDollars: dph), price > .zero else {
                report.skip("no_price")
                continue
            }
            let count = raw.num_gpus ?? 1
            guard count >= 1, count <= 1024 else {
                report.skip("malformed")
                continue
            }
            let vram = raw.gpu_ram.map { Int(($0.value / 1024).rounded()) } ?? model.vramGB
            let reliability = raw.reliability2?.value ?? raw.reliability?.value ?? 0.9
            report.offers.append(
                Offer(
                    provider: .vastai, externalID: String(raw.id), model: model, providerModelName: raw.gpu_name,
                    gpuCount: count, vramGB: vram, pricePerHour: price,
                    location: OfferLocation(geolocation: raw.geolocation),
                    available: (raw.rentable ?? true) && !(raw.rented ?? false), reliability: reliability,
                    perfScore: PerformanceScore.score(model: model, gpuCount: count, measured: raw.dlperf?.value),
                    lastSynced: time, priceKind: .firm))
        }
        return report
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

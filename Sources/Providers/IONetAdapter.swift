import Brokerage
import Ethereum
import Foundation
import Timekeeping

/// io.net: lists hardware (`GET /enterprise/v1/io-cloud/caas/hardware/max-gpus-per-container`)
/// and locations (`GET /v1/io-cloud/caas/locations`), then asks a price quote per available
/// hardware type (`GET /enterprise/v1/io-cloud/caas/price`) for `quoteHours` hours of one GPU
/// across the available locations. Header `x-api-key`.
///
/// Price per GPU-hour = `total_cost_usdc / quoteHours / 1`. Quotes are firm. io.net does
/// not publish per-offer reliability: ``defaultReliability`` is used. A quote refused for
/// one hardware type skips that type (counted); rate limits and outages fail the fetch so
/// the resilience layer can react.
public struct IONetAdapter: OfferSource {
    public let provider = ProviderID.ionet
    public let baseURL: String
    public let apiKey: ProviderKey
    public let http: ProviderHTTP
    public var quoteHours = 1
    /// At most this many hardware types are quoted per sync (each quote is one request).
    public var maxQuotes = 40
    public static let defaultReliability = 0.95
    let clock: any TimeSource

    public init(baseURL: String, apiKey: ProviderKey, http: ProviderHTTP, clock: any TimeSource = SystemTimeSource()) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.http = http
        self.clock = clock
    }

    public func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        try await fetchBatch(pacer: pacer).offers
    }

    /// Quotes each available hardware type; more types than ``maxQuotes`` makes the
    /// coverage incomplete (one full answer), never a silent cut.
    public func fetchBatch(pacer: RequestPacer) async throws -> OfferBatch {
        let headers = [("x-api-key", apiKey.value)]
        let hardwareData = try await http.send(
            .GET, "\(baseURL)/enterprise/v1/io-cloud/caas/hardware/max-gpus-per-container", headers: headers,
            pacer: pacer)
        let locationData = try await http.send(
            .GET, "\(baseURL)/v1/io-cloud/caas/locations", headers: headers, pacer: pacer)
        var report = OfferParseReport()
        let hardware = try Self.parseHardware(hardwareData, report: &report)
        let locations = try Self.parseLocations(locationData).filter { $0.available ?? 1 > 0 }
        guard !locations.isEmpty else {
            report.publish(provider: provider)
            return report.batch(queries: 2)
        }
        let ids = "[" + locations.map { String($0.id) }.joined(separator: ",") + "]"
        let time = clock.now
        for item in hardware.prefix(maxQuotes) {
            var components = URLComponents()
            components.queryItems = [
                URLQueryItem(name: "location_ids", value: ids),
                URLQueryItem(name: "hardware_id", value: String(item.hardware.hardware_id)),
                URLQueryItem(name: "duration_hours", value: String(quoteHours)),
                URLQueryItem(name: "gpus_per_container", value: "1"),
                URLQueryItem(name: "replica_count", value: "1"),
            ]
            let url = "\(baseURL)/enterprise/v1/io-cloud/caas/price?" + (components.percentEncodedQuery ?? "")
            let quote: Data
            do {
                quote = try await http.send(.GET, url, headers: headers, pacer: pacer)
            } catch ProviderCallError.client {
                report.skip("quote_refused")
                continue
            }
            guard let total = Self.parseQuote(quote), let totalPrice = USDC(providerDollars: total), totalPrice > .zero
            else {
                report.skip("no_price")
                continue
            }
            let perHour = totalPrice.dividedRoundingToNearest(by: Int64(max(1, quoteHours)))
            report.offers.append(
                Offer(
                    provider: .ionet, externalID: "hw\(item.hardware.hardware_id)", model: item.model,
                    providerModelName: item.hardware.hardware_name, gpuCount: 1,
                    vramGB: item.model.isCatalogued
                        ? item.model.vramGB : GPUModel.memoryGB(in: item.hardware.hardware_name) ?? 0,
                    pricePerHour: perHour, location: Self.location(locations), available: true,
                    availableUnits: item.hardware.available, reliability: Self.defaultReliability, lastSynced: time,
                    priceKind: .firm))
        }
        report.publish(provider: provider)
        let quoted = min(hardware.count, maxQuotes)
        var batch = report.batch(queries: 2 + quoted)
        batch.coverage.offersSeen += hardware.count - quoted
        batch.coverage.limitHits = hardware.count > maxQuotes ? 1 : 0
        batch.coverage.complete = hardware.count <= maxQuotes
        return batch
    }

    struct QuotableHardware {
        let hardware: RawHardware
        let model: GPUModel
    }

    static func parseHardware(_ data: Data, report: inout OfferParseReport) throws(ProviderCallError)
        -> [QuotableHardware]
    {
        let list: [Lossy<RawHardware>]
        if let e = try? JSONDecoder().decode(DataEnvelope<HardwareList>.self, from: data) {
            list = e.data.hardware
        } else if let e = try? JSONDecoder().decode(HardwareList.self, from: data) {
            list = e.hardware
        } else {
            throw .malformed("expected data.hardware")
        }
        var result: [QuotableHardware] = []
        for element in list {
            guard let hw = element.value else {
                report.skip("malformed")
                continue
            }
            guard (hw.available ?? 0) > 0 else { continue }
            guard let model = GPUModel.resolve(name: hw.hardware_name) else {
                report.skip("malformed")
                continue
            }
            result.append(QuotableHardware(hardware: hw, model: model))
        }
        return result
    }

    static func parseLocations(_ data: Data) throws(ProviderCallError) -> [RawLocation] {
        let decoder = JSONDecoder()
        if let list = try? decoder.decode([Lossy<RawLocation>].self, from: data) { return list.compactMap(\.value) }
        if let e = try? decoder.decode(DataEnvelope<LocationList>.self, from: data) {
            return e.data.locations.compactMap(\.value)
        }
        if let e = try? decoder.decode(LocationList.self, from: data) { return e.locations.compactMap(\.value) }
        if let e = try? decoder.decode(DataEnvelope<[Lossy<RawLocation>]>.self, from: data) {
            return e.data.compactMap(\.value)
        }
        throw .malformed("expected a list of locations")
    }

    /// `total_cost_usdc` at the top level or under `data`.
    static func parseQuote(_ data: Data) -> Double? {
        let decoder = JSONDecoder()
        if let q = try? decoder.decode(RawQuote.self, from: data), let v = q.total_cost_usdc?.value { return v }
        if let q = try? decoder.decode(DataEnvelope<RawQuote>.self, from: data), let v = q.data.total_cost_usdc?.value {
            return v
        }
        return nil
    }

    static func location(_ locations: [RawLocation]) -> OfferLocation {
        if locations.count == 1, let only = locations.first {
            return OfferLocation(region: only.name ?? only.iso2 ?? "Unknown", country: only.iso2?.uppercased())
        }
        let names = locations.prefix(3).map { $0.iso2?.uppercased() ?? $0.name ?? "?" }.joined(separator: ", ")
        return OfferLocation(region: "Multiple: " + names + (locations.count > 3 ? ", ..." : ""), country: nil)
    }

    struct DataEnvelope<T: Decodable>: Decodable { let data: T }
    struct HardwareList: Decodable { let hardware: [Lossy<RawHardware>] }
    struct LocationList: Decodable { let locations: [Lossy<RawLocation>] }

    struct RawHardware: Decodable, Sendable {
        let hardware_id: Int
        let hardware_name: String
        let brand_name: String?
        let max_gpus_per_container: Int?
        let available: Int?
    }

    struct RawLocation: Decodable, Sendable {
        let id: Int
        let name: String?
        let iso2: String?
        let available: Int?
    }

    struct RawQuote: Decodable, Sendable {
        let total_cost_usdc: FlexibleDouble?
    }
}

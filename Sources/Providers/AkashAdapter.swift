import Brokerage
import Ethereum
import Foundation
import Timekeeping

/// Akash: price estimates per GPU model from the console API's `GET /v1/gpu-prices`
/// (derived from recent on-chain bids, refreshed about every 15 min) with availability
/// from `GET /v1/gpu` when that answers.
///
/// One offer per (vendor, model, memory, interface), one GPU each, priced at the bid
/// median (`med`, else `weightedAverage`, else `avg`) per GPU-hour, marked `estimate`.
/// Akash does not publish per-offer reliability: ``defaultReliability`` is used.
public struct AkashAdapter: OfferSource {
    public let provider = ProviderID.akash
    public let baseURL: String
    public let http: ProviderHTTP
    /// Akash audits providers but publishes no per-model uptime here.
    public static let defaultReliability = 0.95
    let clock: any TimeSource

    public init(baseURL: String, http: ProviderHTTP, clock: any TimeSource = SystemTimeSource()) {
        self.baseURL = baseURL
        self.http = http
        self.clock = clock
    }

    public func fetchOffers(pacer: RequestPacer) async throws -> [Offer] {
        try await fetchBatch(pacer: pacer).offers
    }

    public func fetchBatch(pacer: RequestPacer) async throws -> OfferBatch {
        let prices = try await http.send(.GET, "\(baseURL)/v1/gpu-prices", pacer: pacer)
        // Availability detail is a refinement: a failure other than a rate limit is tolerated.
        var availability: Data?
        do {
            availability = try await http.send(.GET, "\(baseURL)/v1/gpu", pacer: pacer)
        } catch ProviderCallError.rateLimited {
            throw ProviderCallError.rateLimited
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            availability = nil
        }
        let report = try Self.parse(prices: prices, availability: availability, at: clock.now)
        report.publish(provider: provider)
        return report.batch(queries: 2)
    }

    public static func parse(prices: Data, availability: Data?, at time: Date) throws(ProviderCallError)
        -> OfferParseReport
    {
        let envelope: PricesEnvelope
        do { envelope = try JSONDecoder().decode(PricesEnvelope.self, from: prices) } catch {
            throw .malformed("expected an object with a \"models\" array")
        }
        let free = availability.flatMap { try? JSONDecoder().decode(GPUEnvelope.self, from: $0) }.map(freeUnits) ?? [:]
        var report = OfferParseReport()
        for element in envelope.models {
            guard let raw = element.value else {
                report.skip("malformed")
                continue
            }
            guard let model = GPUModel.resolve(name: raw.model, interface: raw.interface) else {
                report.skip("malformed")
                continue
            }
            guard let p = raw.price, (p.currency ?? "USD").uppercased() == "USD",
                let dollars = p.med?.value ?? p.weightedAverage?.value ?? p.avg?.value,
                let price = USDC(providerDollars: dollars), price > .zero
            else {
                report.skip("no_price")
                continue
            }
            let key = Self.key(vendor: raw.vendor, model: raw.model, ram: raw.ram, interface: raw.interface)
            let units = free[key] ?? raw.availability?.available
            report.offers.append(
                Offer(
                    provider: .akash, externalID: key, model: model, providerModelName: raw.model,
                    gpuCount: 1, vramGB: gigabytes(raw.ram) ?? model.vramGB, pricePerHour: price,
                    location: OfferLocation(region: "Global", country: nil), available: (units ?? 1) > 0,
                    availableUnits: units, reliability: defaultReliability, lastSynced: time, priceKind: .estimate))
        }
        return report
    }

    /// "nvidia-h100-80gi-sxm5": the offer's external id.
    static func key(vendor: String?, model: String, ram: String?, interface: String?) -> String {
        [vendor ?? "nvidia", model, ram ?? "", interface ?? ""].filter { !$0.isEmpty }
            .map { $0.lowercased().replacingOccurrences(of: " ", with: "") }.joined(separator: "-")
    }

    /// "80Gi", "24GB", "48" -> GB.
    static func gigabytes(_ text: String?) -> Int? {
        guard let text else { return nil }
        let digits = text.prefix { $0.isNumber }
        return Int(digits)
    }

    static func freeUnits(_ envelope: GPUEnvelope) -> [String: Int] {
        var result: [String: Int] = [:]
        for (vendor, list) in envelope.gpus?.details ?? [:] {
            for element in list {
                guard let d = element.value else { continue }
                let k = key(vendor: vendor, model: d.model, ram: d.ram, interface: d.interface)
                result[k, default: 0] += max(0, (d.allocatable ?? 0) - (d.allocated ?? 0))
            }
        }
        return result
    }

    struct PricesEnvelope: Decodable {
        let models: [Lossy<RawModel>]
    }

    struct RawModel: Decodable, Sendable {
        let vendor: String?
        let model: String
        let ram: String?
        let interface: String?
        let availability: Counts?
        let price: RawPrice?
    }

    struct Counts: Decodable, Sendable {
        let total: Int?
        let available: Int?
    }

    struct RawPrice: Decodable, Sendable {
        let currency: String?
        let min: FlexibleDouble?
        let max: FlexibleDouble?
        let avg: FlexibleDouble?
        let weightedAverage: FlexibleDouble?
        let med: FlexibleDouble?
    }

    struct GPUEnvelope: Decodable {
        struct GPUs: Decodable {
            let details: [String: [Lossy<Detail>]]?
        }
        let gpus: GPUs?
    }

    struct Detail: Decodable, Sendable {
        let model: String
        let ram: String?
        let interface: String?
        let allocatable: Int?
        let allocated: Int?
    }
}

import Brokerage
import Metrics

/// Offers parsed from one provider answer, and how many were skipped and why.
public struct OfferParseReport: Sendable {
    public var offers: [Offer] = []
    /// Reason (`malformed`, `no_price`) -> count. A GPU outside the catalogue is no reason:
    /// it is listed under a derived id.
    public var skipped: [String: Int] = [:]

    public init() {}

    public var skippedCount: Int { skipped.values.reduce(0, +) }

    mutating func skip(_ reason: String) { skipped[reason, default: 0] += 1 }

    /// The offers with their coverage: one complete answer of `queries` requests.
    func batch(queries: Int) -> OfferBatch {
        OfferBatch(
            offers: offers,
            coverage: ProviderCoverage(
                offersSeen: offers.count + skippedCount, offersListed: offers.count, queries: queries,
                skipped: skipped))
    }

    /// Counts skipped offers in `gp4u_provider_offers_skipped_total{provider,reason}` and
    /// parsed ones in `gp4u_provider_offers_parsed_total{provider}`.
    func publish(provider: ProviderID) {
        Counter(label: "gp4u_provider_offers_parsed_total", dimensions: [("provider", provider.rawValue)]).increment(
            by: offers.count)
        for (reason, count) in skipped {
            Counter(
                label: "gp4u_provider_offers_skipped_total",
                dimensions: [("provider", provider.rawValue), ("reason", reason)]
            ).increment(by: count)
        }
    }
}

/// Decodes an element of a list without failing the whole list: a malformed element
/// becomes nil and is counted by the caller.
struct Lossy<Wrapped: Decodable & Sendable>: Decodable, Sendable {
    let value: Wrapped?
    init(from decoder: any Decoder) throws {
        value = try? Wrapped(from: decoder)
    }
}

/// A JSON number that may arrive as a number or as a numeric string.
struct FlexibleDouble: Decodable, Sendable {
    let value: Double
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) {
            value = d
        } else if let s = try? c.decode(String.self), let d = Double(s.trimmingCharacters(in: .whitespaces)) {
            value = d
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number")
        }
    }
}

import Brokerage
import Ethereum
import Foundation
import Timekeeping

/// Price history: one row per model, provider and hour (`price_points`, bucket `hour`),
/// updated in place during the hour; hours older than 90 days folded into `day` rows; the
/// raw per-sync rows of `price_history` (written before migration 10) folded into hours
/// once older than 48 hours. Provider `*` is all providers together.
extension SQLStore {
    public func recordPriceHistory(_ points: [PriceHistoryPoint]) async throws {
        try await db.transaction { tx in
            try await Self.merge(PriceHistoryPoint.fold(points, into: .hour), as: .hour, in: tx)
        }
    }

    public func priceHistory(
        model: GPUModel, provider: ProviderID?, from: Date, to: Date, interval: PriceInterval
    ) async throws -> [PriceHistoryPoint] {
        let args: [SQLValue] = [
            .text(model.id), .text(Self.providerKey(provider)), .int(RFC3339.seconds(from)), .int(RFC3339.seconds(to)),
        ]
        let buckets = interval == .hour ? "bucket = 'hour'" : "bucket IN ('hour', 'day')"
        let stored = try await db.query(
            "SELECT * FROM price_points WHERE model = $1 AND provider = $2 AND t >= $3 AND t < $4 AND \(buckets)", args)
        let raw = try await db.query(
            "SELECT * FROM price_history WHERE model = $1 AND provider = $2 AND t >= $3 AND t < $4", args)
        let points =
            try stored.compactMap { try Self.point($0, percentiles: true) }
            + raw.compactMap { try Self.point($0, percentiles: false) }
        return PriceHistoryPoint.fold(points, into: interval)
    }

    public func foldPriceHistory(now: Date) async throws -> PriceHistoryFold {
        let cuts = PriceHistoryFold.cuts(now: now)
        let (rawCut, hourCut) = (RFC3339.seconds(cuts.raw), RFC3339.seconds(cuts.hourly))
        return try await db.transaction { tx in
            let raw = try await tx.query("SELECT * FROM price_history WHERE t < $1", [.int(rawCut)])
            try await Self.merge(
                PriceHistoryPoint.fold(try raw.compactMap { try Self.point($0, percentiles: false) }, into: .hour),
                as: .hour, in: tx)
            try await tx.query("DELETE FROM price_history WHERE t < $1", [.int(rawCut)])
            let hours = try await tx.query(
                "SELECT * FROM price_points WHERE bucket = 'hour' AND t < $1", [.int(hourCut)])
            try await tx.query("DELETE FROM price_points WHERE bucket = 'hour' AND t < $1", [.int(hourCut)])
            try await Self.merge(
                PriceHistoryPoint.fold(try hours.compactMap { try Self.point($0, percentiles: true) }, into: .day),
                as: .day, in: tx)
            return PriceHistoryFold(rawFolded: raw.count, hoursFolded: hours.count)
        }
    }

    /// Merges points stamped with their interval's start into the stored rows: one read
    /// per bucket time (a sync's points all share one hour), one upsert per point.
    private static func merge(_ points: [PriceHistoryPoint], as interval: PriceInterval, in tx: any SQLExecutor)
        async throws
    {
        for (t, group) in Dictionary(grouping: points, by: \.t) {
            let stored = try await tx.query(
                "SELECT * FROM price_points WHERE bucket = $1 AND t = $2",
                [.text(interval.rawValue), .int(RFC3339.seconds(t))])
            var existing: [String: PriceHistoryPoint] = [:]
            for row in stored {
                if let p = try Self.point(row, percentiles: true) {
                    existing["\(p.model.id) \(providerKey(p.provider))"] = p
                }
            }
            for point in group {
                let known = existing["\(point.model.id) \(providerKey(point.provider))"]
                try await upsert(known.map { $0.merged(with: point, at: point.t) } ?? point, as: interval, in: tx)
            }
        }
    }

    private static func upsert(_ p: PriceHistoryPoint, as interval: PriceInterval, in tx: any SQLExecutor) async throws
    {
        let key: [SQLValue] = [
            .text(p.model.id), .text(providerKey(p.provider)), .text(interval.rawValue), .int(RFC3339.seconds(p.t)),
        ]
        try await tx.query(
            """
            INSERT INTO price_points (model, provider, bucket, t, min_price, p10_price, median_price, p90_price, max_price, offers, samples)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (model, provider, bucket, t) DO UPDATE SET min_price = $5, p10_price = $6, median_price = $7,
                p90_price = $8, max_price = $9, offers = $10, samples = $11
            """,
            key + [
                .int(p.min.micro), .int(p.p10.micro), .int(p.median.micro), .int(p.p90.micro), .int(p.max.micro),
                .int(Int64(p.offers)), .int(Int64(p.samples)),
            ])
    }

    /// A row of `price_points` (with percentiles) or of the raw `price_history`; nil for a
    /// model id that is no longer a slug.
    private static func point(_ row: SQLRow, percentiles: Bool) throws -> PriceHistoryPoint? {
        guard let model = GPUModel.derived(id: try row.string("model")) else { return nil }
        let provider = try row.string("provider")
        return PriceHistoryPoint(
            t: Date(timeIntervalSince1970: TimeInterval(try row.int("t"))), model: model,
            provider: ProviderID(rawValue: provider), min: USDC(micro: try row.int("min_price")),
            p10: percentiles ? USDC(micro: try row.int("p10_price")) : nil,
            median: USDC(micro: try row.int("median_price")),
            p90: percentiles ? USDC(micro: try row.int("p90_price")) : nil, max: USDC(micro: try row.int("max_price")),
            offers: Int(try row.int("offers")), samples: percentiles ? Int(try row.int("samples")) : 1)
    }

    private static func providerKey(_ provider: ProviderID?) -> String { provider?.rawValue ?? "*" }
}

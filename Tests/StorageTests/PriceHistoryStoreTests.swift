import Brokerage
import Ethereum
import Foundation
import TestSupport
import Testing

@testable import Storage

/// Price history that scales, on every store: hourly points updated in place, raw points
/// folded into hours after 48 h, hours into days after 90 days.
@Suite("Price history store")
struct PriceHistoryStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // on the hour
    static let rtx = GPUModel.lookup("rtx-4090")!

    /// A store of each kind, with `raw` as rows of the older per-sync history.
    enum Kind: String, CustomStringConvertible, CaseIterable {
        case memory, sqlite, postgres
        var description: String { rawValue }
        static var available: [Kind] {
            [.memory] + Backend.available.map { $0 == .sqlite ? .sqlite : .postgres }
        }
    }

    static func withStore(
        _ kind: Kind, raw: [PriceHistoryPoint] = [], _ body: @Sendable (any OfferStore) async throws -> Void
    ) async throws {
        switch kind {
        case .memory: try await body(InMemoryOfferStore(rawPriceHistory: raw))
        case .sqlite, .postgres:
            try await TestDatabase.with(kind == .sqlite ? .sqlite : .postgres) { db in
                for p in raw {
                    try await db.query(
                        "INSERT INTO price_history (model, provider, t, min_price, median_price, max_price, offers) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        [
                            .text(p.model.id), .text(p.provider?.rawValue ?? "*"),
                            .int(Int64(p.t.timeIntervalSince1970)),
                            .int(p.min.micro), .int(p.median.micro), .int(p.max.micro), .int(Int64(p.offers)),
                        ])
                }
                try await body(SQLStore(db: db))
            }
        }
    }

    static func offer(_ id: String, _ price: String) throws -> Offer {
        Offer(
            provider: .vastai, externalID: id, model: rtx, providerModelName: "RTX 4090", gpuCount: 1, vramGB: 24,
            pricePerHour: try USDC(parsing: price), location: OfferLocation(region: "Texas", country: "US"),
            available: true, reliability: 0.99, lastSynced: now, priceKind: .firm)
    }

    static func sync(_ store: any OfferStore, at t: Date, prices: [String]) async throws {
        let offers = try prices.enumerated().map { try offer("\($0.offset)", $0.element) }
        try await store.recordPriceHistory(PriceHistoryPoint.summarize(offers, at: t))
    }

    static func price(_ text: String) -> USDC { try! USDC(parsing: text) }

    @Test("one point per model, provider and hour, updated in place", arguments: Kind.available)
    func hourlyInPlace(kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            let hour = Self.now.addingTimeInterval(-3 * 3600)
            try await Self.sync(store, at: hour.addingTimeInterval(30), prices: ["0.30", "0.40", "0.50"])
            try await Self.sync(store, at: hour.addingTimeInterval(60), prices: ["0.20", "0.40", "0.60", "0.80"])
            try await Self.sync(store, at: hour.addingTimeInterval(3_599), prices: ["0.40"])
            try await Self.sync(store, at: hour.addingTimeInterval(3_600), prices: ["0.90"])
            let series = try await store.priceHistory(
                model: Self.rtx, provider: .vastai, from: hour, to: Self.now, interval: .hour)
            #expect(series.map(\.t) == [hour, hour.addingTimeInterval(3600)])
            let first = try #require(series.first)
            #expect(first.samples == 3 && first.offers == 4)
            #expect(first.min == Self.price("0.20") && first.max == Self.price("0.80"))
            // medians 0.40, 0.50, 0.40 -> mean 0.433333; p10 0.30, 0.20, 0.40 -> 0.30; p90 0.50, 0.80, 0.40 -> 0.566667
            #expect(first.median == USDC(micro: 433_333))
            #expect(first.p10 == Self.price("0.30") && first.p90 == USDC(micro: 566_667))
            let all = try await store.priceHistory(
                model: Self.rtx, provider: nil, from: hour, to: Self.now, interval: .hour)
            #expect(all.count == 2 && all[0].samples == 3)
            #expect(
                try await store.priceHistory(
                    model: Self.rtx, provider: .akash, from: hour, to: Self.now, interval: .hour
                )
                .isEmpty)
        }
    }

    @Test("raw points fold into hours after 48 h, hours into days after 90 days", arguments: Kind.available)
    func fold(kind: Kind) async throws {
        let oldHour = Self.now.addingTimeInterval(-50 * 3600)
        func raw(_ t: Date, _ median: String) -> PriceHistoryPoint {
            PriceHistoryPoint(
                t: t, model: Self.rtx, provider: .vastai, min: Self.price("0.10"), median: Self.price(median),
                max: Self.price("0.90"), offers: 5)
        }
        let rawPoints = [
            raw(oldHour.addingTimeInterval(30), "0.40"), raw(oldHour.addingTimeInterval(60), "0.50"),
            raw(Self.now.addingTimeInterval(-10 * 3600), "0.70"),
        ]
        try await Self.withStore(kind, raw: rawPoints) { store in
            let oldDay = PriceInterval.day.start(of: Self.now.addingTimeInterval(-100 * 86_400))
            try await Self.sync(store, at: oldDay.addingTimeInterval(3600), prices: ["1.00"])
            try await Self.sync(store, at: oldDay.addingTimeInterval(5 * 3600), prices: ["2.00"])
            let before = try await store.priceHistory(
                model: Self.rtx, provider: .vastai, from: oldHour, to: Self.now, interval: .hour)
            #expect(before.count == 2 && before[0].samples == 2, "raw points read as hours before any fold")

            let fold = try await store.foldPriceHistory(now: Self.now)
            #expect(fold.rawFolded == 2, "only the raw points older than 48 h")
            #expect(fold.hoursFolded == 4, "two hours, each per provider and for all providers")
            #expect(try await store.foldPriceHistory(now: Self.now) == PriceHistoryFold(rawFolded: 0, hoursFolded: 0))

            let hours = try await store.priceHistory(
                model: Self.rtx, provider: .vastai, from: oldHour, to: Self.now, interval: .hour)
            #expect(hours.map(\.t) == [oldHour, PriceInterval.hour.start(of: Self.now.addingTimeInterval(-10 * 3600))])
            #expect(hours[0].samples == 2 && hours[0].median == Self.price("0.45"))
            #expect(hours[0].p10 == Self.price("0.10") && hours[0].p90 == Self.price("0.90"))

            let oldRange = (from: oldDay.addingTimeInterval(-86_400), to: oldDay.addingTimeInterval(2 * 86_400))
            #expect(
                try await store.priceHistory(
                    model: Self.rtx, provider: .vastai, from: oldRange.from, to: oldRange.to, interval: .hour
                ).isEmpty, "hours older than 90 days exist only as days")
            let days = try await store.priceHistory(
                model: Self.rtx, provider: .vastai, from: oldRange.from, to: oldRange.to, interval: .day)
            #expect(days.count == 1)
            #expect(days.first?.t == oldDay && days.first?.samples == 2)
            #expect(days.first?.min == Self.price("1.00") && days.first?.max == Self.price("2.00"))
            #expect(days.first?.median == Self.price("1.50"))
        }
    }
}

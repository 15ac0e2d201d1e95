import Brokerage
import Ethereum
import Foundation

/// Offers are kept whole as JSON (the domain owns their shape) beside the few columns
/// queries need: who lists them, whether they can be booked, what they cost.
extension SQLStore: OfferStore {
    public func replaceOffers(from provider: ProviderID, with offers: [Offer], at time: Date) async throws
        -> OfferReplacement
    {
        try await db.transaction { tx in
            var result = OfferReplacement(inserted: 0, updated: 0, markedUnavailable: 0)
            var seen = Set<String>()
            let now = Int64(time.timeIntervalSince1970)
            for offer in offers where offer.provider == provider {
                seen.insert(offer.id)
                let existed = try await tx.first("SELECT id FROM offers WHERE id = $1", [.text(offer.id)]) != nil
                try await Self.upsert(offer, at: now, in: tx)
                if existed { result.updated += 1 } else { result.inserted += 1 }
            }
            for row in try await tx.query(
                "SELECT id, data FROM offers WHERE provider = $1 AND available = $2",
                [.text(provider.rawValue), .bool(true)])
            {
                let id = try row.string("id")
                guard !seen.contains(id) else { continue }
                var offer = try Self.offer(row)
                offer.available = false
                offer.availableUnits = 0
                try await Self.upsert(offer, at: now, in: tx)
                result.markedUnavailable += 1
            }
            return result
        }
    }

    public func allOffers() async throws -> [Offer] {
        try await db.query("SELECT data FROM offers ORDER BY id").map(Self.offer)
    }

    /// One offer by id, available or not (bookings address offers by id).
    public func offer(id: String) async throws -> Offer? {
        try await db.first("SELECT data FROM offers WHERE id = $1", [.text(id)]).map(Self.offer)
    }

    static func upsert(_ offer: Offer, at now: Int64, in tx: any SQLExecutor) async throws {
        let data = String(decoding: try JSONEncoder.sorted.encode(offer), as: UTF8.self)
        try await tx.query(
            """
            INSERT INTO offers (id, provider, model, available, price_per_hour, data, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO UPDATE SET provider = $2, model = $3, available = $4, price_per_hour = $5, data = $6, updated_at = $7
            """,
            [
                .text(offer.id), .text(offer.provider.rawValue), .text(offer.model.id), .bool(offer.available),
                .int(offer.pricePerHour.micro), .text(data), .int(now),
            ])
    }

    static func offer(_ row: SQLRow) throws -> Offer {
        try JSONDecoder().decode(Offer.self, from: Data(try row.string("data").utf8))
    }
}

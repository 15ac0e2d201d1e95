import Brokerage
import Ethereum
import Foundation

/// Offers are kept whole as JSON (the domain owns their shape) beside the few columns
/// queries need: who lists them, whether they can be booked, what they cost.
extension SQLStore: OfferStore {
    /// Writes only what changed since the provider's last round (new offers, offers whose
    /// content digest differs, offers that vanished), in transactions of one statement
    /// group (500 rows) each, so the SQLite writer is never held long even at 100,000
    /// offers and most rounds write next to nothing. What is stored is read on a reader,
    /// outside any transaction; the writes are upserts, so a round that fails midway is
    /// finished by the next one.
    public func replaceOffers(from provider: ProviderID, with offers: [Offer], at time: Date) async throws
        -> OfferReplacement
    {
        let now = Int64(time.timeIntervalSince1970)
        var stored: [String: (digest: Int64?, available: Bool)] = [:]
        for row in try await db.query(
            "SELECT id, digest, available FROM offers WHERE provider = $1", [.text(provider.rawValue)])
        {
            let digest = row["digest"]
            stored[try row.string("id")] = (digest == .null ? nil : try row.int("digest"), try row.bool("available"))
        }
        var result = OfferReplacement(inserted: 0, updated: 0, markedUnavailable: 0)
        var latest: [String: Int] = [:]
        var incoming: [Offer] = []
        for offer in offers where offer.provider == provider {
            if let at = latest[offer.id] {
                incoming[at] = offer
            } else {
                latest[offer.id] = incoming.count
                incoming.append(offer)
            }
        }
        let coder = OfferCoder()
        var writes: [[SQLValue]] = []
        for offer in incoming {
            let digest = try coder.digest(offer)
            switch stored[offer.id] {
            case let known? where known.digest == digest:
                result.unchanged += 1
                continue
            case nil: result.inserted += 1
            default: result.updated += 1
            }
            writes.append(try coder.row(offer, digest: digest, at: now))
        }
        for group in Self.statementGroups(writes) {
            try await db.transaction { tx in try await Self.upsert(rows: Array(group), in: tx) }
        }
        let vanished = stored.filter { $0.value.available && latest[$0.key] == nil }.map(\.key).sorted()
        for group in Self.statementGroups(vanished) {
            try await db.transaction { tx in
                // Last seen in the provider's previous round (offer_syncs is updated below),
                // which an unchanged offer's own row does not record.
                let rows = try await tx.query(
                    """
                    SELECT o.data, s.synced_at FROM offers o LEFT JOIN offer_syncs s ON s.provider = o.provider
                    WHERE o.available = $1 AND o.id IN \(Self.placeholders(group.count, from: 2))
                    """,
                    [.bool(true)] + group.map { .text($0) })
                let coder = OfferCoder()
                var marked: [[SQLValue]] = []
                for row in rows {
                    var offer = try Self.syncedOffer(row)
                    offer.available = false
                    offer.availableUnits = 0
                    marked.append(try coder.row(offer, digest: try coder.digest(offer), at: now))
                }
                try await Self.upsert(rows: marked, in: tx)
            }
        }
        result.markedUnavailable = vanished.count
        if let synced = incoming.map(\.lastSynced).max() {
            try await db.query(
                """
                INSERT INTO offer_syncs (provider, synced_at) VALUES ($1, $2)
                ON CONFLICT (provider) DO UPDATE SET synced_at = excluded.synced_at
                """,
                [.text(provider.rawValue), .double(synced.timeIntervalSince1970)])
        }
        return result
    }

    /// Read in pages of ``offerPage`` by id, each on a fresh snapshot: the whole market in
    /// one result was three copies of 100,000 rows at once (the driver's, ours, the
    /// offers), a peak the allocator then kept.
    public func allOffers() async throws -> [Offer] {
        var offers: [Offer] = []
        var after = ""
        while true {
            let page = try await db.query(
                """
                SELECT o.data, s.synced_at FROM offers o LEFT JOIN offer_syncs s ON s.provider = o.provider
                WHERE o.id > $1 ORDER BY o.id LIMIT $2
                """, [.text(after), .int(Int64(Self.offerPage))])
            offers += try page.map(Self.syncedOffer)
            guard page.count == Self.offerPage, let last = offers.last else { return offers }
            after = last.id
        }
    }

    static let offerPage = 5_000

    /// One offer by id, available or not (bookings address offers by id).
    public func offer(id: String) async throws -> Offer? {
        try await db.first(
            "SELECT o.data, s.synced_at FROM offers o LEFT JOIN offer_syncs s ON s.provider = o.provider WHERE o.id = $1",
            [.text(id)]
        ).map(Self.syncedOffer)
    }

    /// One offer (a listing) written as it is, outside the market sync.
    static func upsert(_ offer: Offer, at now: Int64, in tx: any SQLExecutor) async throws {
        let coder = OfferCoder()
        try await upsert(rows: [try coder.row(offer, digest: try coder.digest(offer), at: now)], in: tx)
    }

    /// Rows made by ``OfferCoder/row(_:digest:at:)``, in one statement per 500.
    static func upsert(rows: [[SQLValue]], in tx: any SQLExecutor) async throws {
        guard !rows.isEmpty else { return }
        try await insertRows(
            "INSERT INTO offers (id, provider, model, available, price_per_hour, data, updated_at, digest) VALUES",
            rows,
            """
            ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, model = excluded.model,
            available = excluded.available, price_per_hour = excluded.price_per_hour, data = excluded.data,
            updated_at = excluded.updated_at, digest = excluded.digest
            """, in: tx)
    }

    /// An offer as stored; an available one was seen unchanged up to its provider's last
    /// round, so it takes that round's sync time when it is later than its own.
    static func syncedOffer(_ row: SQLRow) throws -> Offer {
        var offer = try offer(row)
        if offer.available, let synced = try? row.double("synced_at"),
            synced > offer.lastSynced.timeIntervalSince1970
        {
            offer.lastSynced = Date(timeIntervalSince1970: synced)
        }
        return offer
    }

    static func offer(_ row: SQLRow) throws -> Offer {
        try JSONDecoder().decode(Offer.self, from: Data(try row.string("data").utf8))
    }
}

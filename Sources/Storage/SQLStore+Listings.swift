import Brokerage
import Ethereum
import Foundation

extension SQLStore: ListingStore {
    public func createListing(_ listing: GPUListing) async throws {
        try await db.transaction { tx in
            try await Self.upsert(listing.offer, at: listing.updatedAt, in: tx)
            try await tx.query(
                """
                INSERT INTO provider_gpus (id, owner_id, model, gpu_count, vram_gb, price_per_hour, region, country, available, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """, Self.binds(listing))
        }
    }

    public func updateListing(_ listing: GPUListing) async throws {
        try await db.transaction { tx in
            let lock = tx.dialect == .postgres ? " FOR UPDATE" : ""
            guard
                let row = try await tx.first(
                    "SELECT owner_id FROM provider_gpus WHERE id = $1\(lock)", [.text(listing.id)]),
                try row.string("owner_id") == listing.ownerID
            else { throw ListingError.notFound }
            try await Self.upsert(listing.offer, at: listing.updatedAt, in: tx)
            try await tx.query(
                """
                UPDATE provider_gpus SET owner_id = $2, model = $3, gpu_count = $4, vram_gb = $5, price_per_hour = $6, region = $7,
                  country = $8, available = $9, created_at = $10, updated_at = $11
                WHERE id = $1
                """, Self.binds(listing))
        }
    }

    public func listing(id: String) async throws -> GPUListing? {
        try await db.first("SELECT * FROM provider_gpus WHERE id = $1", [.text(id)]).map(Self.listing)
    }

    public func listings(ownerID: String) async throws -> [GPUListing] {
        try await db.query(
            "SELECT * FROM provider_gpus WHERE owner_id = $1 ORDER BY created_at DESC, id DESC", [.text(ownerID)]
        ).map(Self.listing)
    }

    private static func binds(_ l: GPUListing) -> [SQLValue] {
        [
            .text(l.id), .text(l.ownerID), .text(l.model.id), .int(Int64(l.gpuCount)), .int(Int64(l.vramGB)),
            .int(l.pricePerHour.micro),
            .text(l.location.region), l.location.country.map(SQLValue.text) ?? .null, .bool(l.available),
            .int(l.createdAt),
            .int(l.updatedAt),
        ]
    }

    static func listing(_ row: SQLRow) throws -> GPUListing {
        guard let model = GPUModel.lookup(try row.string("model")) else { throw StorageError.decoding(column: "model") }
        return GPUListing(
            id: try row.string("id"), ownerID: try row.string("owner_id"), model: model,
            gpuCount: Int(try row.int("gpu_count")),
            vramGB: Int(try row.int("vram_gb")), pricePerHour: USDC(micro: try row.int("price_per_hour")),
            location: OfferLocation(region: try row.string("region"), country: try row.optionalString("country")),
            available: try row.bool("available"), createdAt: try row.int("created_at"),
            updatedAt: try row.int("updated_at"))
    }
}

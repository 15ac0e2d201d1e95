extension Schema {
    /// What lets the market sync write only what changed: a digest of each offer's content
    /// (everything but its sync time; NULL for rows written before, which are then
    /// rewritten once) and, per provider, the sync time of its last round, which unchanged
    /// rows take when read.
    static let offerSync = Migration(
        version: 20, name: "offer digests and sync times",
        both: [
            "ALTER TABLE offers ADD COLUMN digest BIGINT",
            "CREATE TABLE offer_syncs (provider TEXT PRIMARY KEY, synced_at DOUBLE PRECISION NOT NULL)",
        ])
}

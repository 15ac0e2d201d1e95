extension Schema {
    /// Machines rented upstream for bookings (one per reservation, so a booking can never
    /// hold two), the renter's SSH key that is put on them, and the price ceiling up to
    /// which a booking accepts a substitute for an offer that is gone.
    static let machines = Migration(
        version: 21, name: "machines and SSH keys",
        both: [
            "ALTER TABLE users ADD COLUMN ssh_public_key TEXT",
            "ALTER TABLE users ADD COLUMN ssh_key_fingerprint TEXT",
            "ALTER TABLE reservations ADD COLUMN substitute_ceiling BIGINT",
            """
            CREATE TABLE machines (
                reservation_id TEXT PRIMARY KEY REFERENCES reservations (id),
                provider TEXT NOT NULL,
                offer_id TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('provisioning', 'running', 'releasing', 'released', 'provision_failed')),
                instance_id TEXT,
                connection TEXT,
                message TEXT,
                failure TEXT,
                attempts INTEGER NOT NULL,
                restart_requested BOOLEAN NOT NULL DEFAULT FALSE,
                restarts INTEGER NOT NULL DEFAULT 0,
                next_check_at BIGINT NOT NULL,
                since BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX machines_due ON machines (state, next_check_at)",
        ])
}

extension Schema {
    /// Attempts counted by the login throttle and the signup limit, shared by replicas,
    /// and the indexes the housekeeping service prunes expired rows by.
    static let attempts = Migration(
        version: 9, name: "auth attempts and housekeeping indexes",
        sqlite: [
            "CREATE TABLE auth_attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, at BIGINT NOT NULL)"
        ]
            + indexes,
        postgres: ["CREATE TABLE auth_attempts (id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL, at BIGINT NOT NULL)"]
            + indexes)

    private static let indexes = [
        "CREATE INDEX auth_attempts_key ON auth_attempts (key, at)",
        "CREATE INDEX auth_attempts_at ON auth_attempts (at)",
        "CREATE INDEX sessions_expiry ON sessions (expires_at)",
        "CREATE INDEX siwe_nonces_expiry ON siwe_nonces (expires_at)",
        "CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at)",
    ]
}

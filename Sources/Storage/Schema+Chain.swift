extension Schema {
    /// Linked wallets, sign-in nonces, and the deposit watcher's durable state: one cursor
    /// per chain, credited deposits keyed `(chain_id, tx_hash, log_index)` so a deposit can
    /// only ever be credited once, the pending view, and reorg incidents.
    static let chain = Migration(
        version: 6, name: "wallet links and chain deposits",
        both: [
            """
            CREATE TABLE wallet_links (
                address TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id),
                chain_id BIGINT NOT NULL,
                linked_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX wallet_links_user ON wallet_links (user_id)",
            """
            CREATE TABLE siwe_nonces (
                nonce TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id),
                expires_at BIGINT NOT NULL,
                used_at BIGINT
            )
            """,
            """
            CREATE TABLE chain_cursors (
                chain_id BIGINT PRIMARY KEY,
                block_number BIGINT NOT NULL,
                block_hash TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE chain_deposits (
                chain_id BIGINT NOT NULL,
                tx_hash TEXT NOT NULL,
                log_index BIGINT NOT NULL,
                block_number BIGINT NOT NULL,
                block_hash TEXT NOT NULL,
                from_address TEXT NOT NULL,
                amount BIGINT NOT NULL CHECK (amount > 0),
                status TEXT NOT NULL CHECK (status IN ('credited', 'suspense', 'assigned')),
                user_id TEXT REFERENCES users (id),
                ledger_tx_id TEXT NOT NULL,
                credited_at BIGINT NOT NULL,
                assigned_by TEXT,
                assigned_at BIGINT,
                PRIMARY KEY (chain_id, tx_hash, log_index)
            )
            """,
            "CREATE INDEX chain_deposits_user ON chain_deposits (user_id, credited_at)",
            "CREATE INDEX chain_deposits_status ON chain_deposits (chain_id, status)",
            """
            CREATE TABLE chain_pending (
                chain_id BIGINT NOT NULL,
                tx_hash TEXT NOT NULL,
                log_index BIGINT NOT NULL,
                block_number BIGINT NOT NULL,
                block_hash TEXT NOT NULL,
                from_address TEXT NOT NULL,
                amount BIGINT NOT NULL,
                confirmations BIGINT NOT NULL,
                required BIGINT NOT NULL,
                seen_at BIGINT NOT NULL,
                PRIMARY KEY (chain_id, tx_hash, log_index)
            )
            """,
            "CREATE INDEX chain_pending_from ON chain_pending (from_address)",
            """
            CREATE TABLE chain_incidents (
                id TEXT PRIMARY KEY,
                chain_id BIGINT NOT NULL,
                kind TEXT NOT NULL,
                block_number BIGINT NOT NULL,
                expected_hash TEXT NOT NULL,
                found_hash TEXT NOT NULL,
                cursor_number BIGINT NOT NULL,
                cursor_hash TEXT NOT NULL,
                detail TEXT NOT NULL,
                detected_at BIGINT NOT NULL,
                resolved_at BIGINT,
                resolved_by TEXT
            )
            """,
            "CREATE INDEX chain_incidents_open ON chain_incidents (chain_id, resolved_at)",
        ])
}

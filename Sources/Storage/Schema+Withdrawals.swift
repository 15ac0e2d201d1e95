extension Schema {
    /// Withdrawals: the requests, the operators' approvals (bound to what they approved),
    /// every signed transaction (stored before it is sent), the hot wallets' next nonces,
    /// and an append-only audit trail. One nonce of a hot wallet pays one withdrawal.
    static let withdrawals = Migration(
        version: 8, name: "withdrawals",
        sqlite: withdrawalTables(serial: "INTEGER PRIMARY KEY AUTOINCREMENT") + [
            "CREATE TRIGGER withdrawal_audit_no_update BEFORE UPDATE ON withdrawal_audit BEGIN SELECT RAISE(ABORT, 'withdrawal_audit_append_only'); END",
            "CREATE TRIGGER withdrawal_audit_no_delete BEFORE DELETE ON withdrawal_audit BEGIN SELECT RAISE(ABORT, 'withdrawal_audit_append_only'); END",
        ],
        postgres: withdrawalTables(serial: "BIGSERIAL PRIMARY KEY") + [
            """
            CREATE FUNCTION withdrawal_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'withdrawal_audit_append_only: the audit trail never changes' USING ERRCODE = '23514';
            END $$
            """,
            "CREATE TRIGGER withdrawal_audit_append_only BEFORE UPDATE OR DELETE ON withdrawal_audit FOR EACH ROW EXECUTE FUNCTION withdrawal_audit_append_only()",
        ])

    static func withdrawalTables(serial: String) -> [String] {
        [
            """
            CREATE TABLE withdrawals (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id),
                source TEXT NOT NULL CHECK (source IN ('available', 'earnings')),
                amount BIGINT NOT NULL CHECK (amount > 0),
                chain_id BIGINT NOT NULL,
                token TEXT NOT NULL,
                destination TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'cancelled', 'signed',
                    'broadcast', 'confirmed', 'failed')),
                simulated BOOLEAN NOT NULL,
                reason TEXT,
                rejected_by TEXT,
                flag TEXT,
                hot_wallet TEXT,
                nonce BIGINT,
                mined_hash TEXT,
                mined_block BIGINT,
                network_fee TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                approved_at BIGINT,
                finished_at BIGINT,
                CHECK ((nonce IS NULL) = (hot_wallet IS NULL))
            )
            """,
            "CREATE INDEX withdrawals_user ON withdrawals (user_id, created_at, id)",
            "CREATE INDEX withdrawals_status ON withdrawals (status, chain_id)",
            "CREATE UNIQUE INDEX withdrawals_nonce ON withdrawals (chain_id, hot_wallet, nonce)",
            """
            CREATE TABLE withdrawal_approvals (
                withdrawal_id TEXT NOT NULL REFERENCES withdrawals (id),
                operator_id TEXT NOT NULL REFERENCES users (id),
                binding TEXT NOT NULL,
                at BIGINT NOT NULL,
                PRIMARY KEY (withdrawal_id, operator_id)
            )
            """,
            """
            CREATE TABLE withdrawal_attempts (
                hash TEXT PRIMARY KEY,
                withdrawal_id TEXT NOT NULL REFERENCES withdrawals (id),
                position INTEGER NOT NULL,
                raw TEXT NOT NULL,
                max_fee TEXT NOT NULL,
                max_priority_fee TEXT NOT NULL,
                gas_limit BIGINT NOT NULL,
                signed_at BIGINT NOT NULL,
                broadcast_at BIGINT,
                UNIQUE (withdrawal_id, position)
            )
            """,
            """
            CREATE TABLE withdrawal_audit (
                seq \(serial),
                withdrawal_id TEXT NOT NULL REFERENCES withdrawals (id),
                action TEXT NOT NULL,
                actor TEXT NOT NULL,
                detail TEXT NOT NULL,
                at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX withdrawal_audit_withdrawal ON withdrawal_audit (withdrawal_id, seq)",
            """
            CREATE TABLE hot_wallet_nonces (
                chain_id BIGINT NOT NULL,
                address TEXT NOT NULL,
                next_nonce BIGINT NOT NULL CHECK (next_nonce >= 0),
                PRIMARY KEY (chain_id, address)
            )
            """,
        ]
    }
}

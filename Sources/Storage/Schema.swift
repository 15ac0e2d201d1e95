/// The schema, as an ordered list of migrations. Never edit a released step: add one.
public enum Schema {
    public static let migrations: [Migration] = [accounts, ledger]

    static let accounts = Migration(
        version: 1, name: "users and sessions",
        both: [
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('renter', 'provider', 'operator')),
                theme_preference TEXT NOT NULL DEFAULT 'system' CHECK (theme_preference IN ('light', 'dark', 'system')),
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX users_email_unique ON users (email)",
            """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id),
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                revoked BOOLEAN NOT NULL DEFAULT FALSE
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
        ])

    /// Double-entry ledger. Entries are written first, then the transaction row "seals"
    /// them: a trigger refuses the seal unless the entries sum to zero, and a deferred
    /// foreign key refuses to commit entries that were never sealed. Balances are kept
    /// on the account row, where a CHECK stops every non-external account going negative.
    static let ledger = Migration(
        version: 2, name: "ledger",
        sqlite: ledgerTables(serial: "INTEGER PRIMARY KEY AUTOINCREMENT") + [
            """
            CREATE TRIGGER ledger_entries_unsealed BEFORE INSERT ON ledger_entries
            WHEN EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.tx_id)
            BEGIN SELECT RAISE(ABORT, 'ledger_tx_sealed: entries cannot be added to a posted transaction'); END
            """,
            """
            CREATE TRIGGER ledger_transactions_seal BEFORE INSERT ON ledger_transactions
            WHEN (SELECT COUNT(*) FROM ledger_entries WHERE tx_id = NEW.id) < 2
              OR (SELECT SUM(amount) FROM ledger_entries WHERE tx_id = NEW.id) <> 0
            BEGIN SELECT RAISE(ABORT, 'ledger_unbalanced: entries do not sum to zero'); END
            """,
            "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_immutable'); END",
            "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_immutable'); END",
            "CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions BEGIN SELECT RAISE(ABORT, 'ledger_immutable'); END",
            "CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions BEGIN SELECT RAISE(ABORT, 'ledger_immutable'); END",
        ],
        postgres: ledgerTables(serial: "BIGSERIAL PRIMARY KEY") + [
            """
            CREATE FUNCTION ledger_entries_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.tx_id) THEN
                    RAISE EXCEPTION 'ledger_tx_sealed: entries cannot be added to a posted transaction' USING ERRCODE = '23514';
                END IF;
                RETURN NEW;
            END $$
            """,
            "CREATE TRIGGER ledger_entries_unsealed BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_unsealed()",
            """
            CREATE FUNCTION ledger_transactions_seal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT COUNT(*) FROM ledger_entries WHERE tx_id = NEW.id) < 2
                   OR (SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE tx_id = NEW.id) <> 0 THEN
                    RAISE EXCEPTION 'ledger_unbalanced: entries do not sum to zero' USING ERRCODE = '23514';
                END IF;
                RETURN NEW;
            END $$
            """,
            "CREATE TRIGGER ledger_transactions_seal BEFORE INSERT ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION ledger_transactions_seal()",
            """
            CREATE FUNCTION ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'ledger_immutable: posted ledger rows never change' USING ERRCODE = '23514';
            END $$
            """,
            "CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_immutable()",
            "CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION ledger_immutable()",
        ])

    private static func ledgerTables(serial: String) -> [String] {
        [
            """
            CREATE TABLE ledger_accounts (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('available', 'held', 'earnings', 'revenue', 'suspense', 'external')),
                owner TEXT NOT NULL,
                balance BIGINT NOT NULL DEFAULT 0,
                CONSTRAINT ledger_balance_non_negative CHECK (kind = 'external' OR balance >= 0)
            )
            """,
            """
            CREATE TABLE ledger_transactions (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                refs TEXT NOT NULL DEFAULT '{}',
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE ledger_entries (
                id \(serial),
                tx_id TEXT NOT NULL REFERENCES ledger_transactions (id) DEFERRABLE INITIALLY DEFERRED,
                account_id TEXT NOT NULL REFERENCES ledger_accounts (id),
                amount BIGINT NOT NULL CHECK (amount <> 0),
                balance_after BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX ledger_entries_tx ON ledger_entries (tx_id)",
            "CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id)",
        ]
    }
}

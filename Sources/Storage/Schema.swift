/// The schema, as an ordered list of migrations. Never edit a released step: add one.
public enum Schema {
    public static let migrations: [Migration] = [
        accounts, ledger, offers, reservations, clustersAndListings, chain, ledgerPost, withdrawals, attempts,
        priceHistoryRollup, offerSync, machines, walletTotals, liveBookings,
    ]

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

    /// Offers as the sync service last saw them, and per-interval price summaries.
    static let offers = Migration(
        version: 3, name: "offers and price history",
        both: [
            """
            CREATE TABLE offers (
                id TEXT PRIMARY KEY,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                available BOOLEAN NOT NULL,
                price_per_hour BIGINT NOT NULL CHECK (price_per_hour >= 0),
                data TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX offers_provider ON offers (provider, available)",
            """
            CREATE TABLE price_history (
                model TEXT NOT NULL,
                provider TEXT NOT NULL,
                t BIGINT NOT NULL,
                min_price BIGINT NOT NULL,
                median_price BIGINT NOT NULL,
                max_price BIGINT NOT NULL,
                offers INTEGER NOT NULL,
                PRIMARY KEY (model, provider, t)
            )
            """,
        ])

    /// Bookings, with "no two live bookings of one GPU overlap" enforced by the database:
    /// an exclusion constraint on PostgreSQL, triggers on SQLite (whose writers are
    /// serialised, so a check inside the write is enough). Plus idempotency keys.
    static let reservations = Migration(
        version: 4, name: "reservations and idempotency keys",
        sqlite: reservationTables + [
            """
            CREATE TRIGGER reservations_no_overlap_insert BEFORE INSERT ON reservations
            WHEN NEW.status IN ('confirmed', 'active') AND EXISTS (
                SELECT 1 FROM reservations WHERE gpu_id = NEW.gpu_id AND status IN ('confirmed', 'active')
                  AND start_ts < NEW.end_ts AND end_ts > NEW.start_ts)
            BEGIN SELECT RAISE(ABORT, 'reservations_no_overlap: the GPU is already booked for some of these hours'); END
            """,
            """
            CREATE TRIGGER reservations_no_overlap_update BEFORE UPDATE OF start_ts, end_ts, status ON reservations
            WHEN NEW.status IN ('confirmed', 'active') AND EXISTS (
                SELECT 1 FROM reservations WHERE gpu_id = NEW.gpu_id AND id <> NEW.id AND status IN ('confirmed', 'active')
                  AND start_ts < NEW.end_ts AND end_ts > NEW.start_ts)
            BEGIN SELECT RAISE(ABORT, 'reservations_no_overlap: the GPU is already booked for some of these hours'); END
            """,
        ],
        postgres: ["CREATE EXTENSION IF NOT EXISTS btree_gist"] + reservationTables + [
            """
            ALTER TABLE reservations ADD CONSTRAINT reservations_no_overlap EXCLUDE USING gist (
                gpu_id WITH =,
                tstzrange(to_timestamp(start_ts::double precision), to_timestamp(end_ts::double precision), '[)') WITH &&
            ) WHERE (status IN ('confirmed', 'active'))
            """
        ])

    /// Clusters and owner-listed GPUs. A cluster books each member's hours as a reservation
    /// row tagged with `cluster_id`, so the no-overlap guard of version 4 covers clusters
    /// too; the lifecycle service leaves those rows to the cluster's own transitions.
    /// Listings are also upserted into `offers` (provider `gp4u`) so they are searched,
    /// booked and clustered like any offer.
    static let clustersAndListings = Migration(
        version: 5, name: "clusters and provider listings",
        both: [
            "ALTER TABLE reservations ADD COLUMN cluster_id TEXT",
            "CREATE INDEX reservations_cluster ON reservations (cluster_id)",
            """
            CREATE TABLE clusters (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id),
                job_name TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('held', 'running', 'completed', 'failed')),
                hours INTEGER NOT NULL CHECK (hours > 0),
                hourly_price BIGINT NOT NULL CHECK (hourly_price >= 0),
                total_cost BIGINT NOT NULL CHECK (total_cost >= 0),
                start_ts BIGINT NOT NULL,
                end_ts BIGINT NOT NULL,
                started_at BIGINT,
                finished_at BIGINT,
                charged BIGINT NOT NULL DEFAULT 0,
                refunded BIGINT NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                CONSTRAINT clusters_settled CHECK (charged + refunded <= total_cost)
            )
            """,
            "CREATE INDEX clusters_user ON clusters (user_id, created_at)",
            """
            CREATE TABLE cluster_members (
                cluster_id TEXT NOT NULL REFERENCES clusters (id),
                position INTEGER NOT NULL,
                gpu_id TEXT NOT NULL REFERENCES offers (id),
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                gpu_count INTEGER NOT NULL,
                perf_milli BIGINT NOT NULL,
                throughput_milli BIGINT NOT NULL,
                price_per_hour BIGINT NOT NULL,
                payee TEXT NOT NULL,
                reservation_id TEXT NOT NULL REFERENCES reservations (id),
                PRIMARY KEY (cluster_id, position)
            )
            """,
            """
            CREATE TABLE provider_gpus (
                id TEXT PRIMARY KEY REFERENCES offers (id),
                owner_id TEXT NOT NULL REFERENCES users (id),
                model TEXT NOT NULL,
                gpu_count INTEGER NOT NULL CHECK (gpu_count > 0),
                vram_gb INTEGER NOT NULL CHECK (vram_gb > 0),
                price_per_hour BIGINT NOT NULL CHECK (price_per_hour > 0),
                region TEXT NOT NULL,
                country TEXT,
                available BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX provider_gpus_owner ON provider_gpus (owner_id, created_at)",
        ])

    private static let reservationTables = [
        """
        CREATE TABLE reservations (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            gpu_id TEXT NOT NULL REFERENCES offers (id),
            start_ts BIGINT NOT NULL,
            end_ts BIGINT NOT NULL,
            price_per_hour BIGINT NOT NULL,
            total_cost BIGINT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'active', 'completed', 'cancelled')),
            refunded BIGINT NOT NULL DEFAULT 0,
            payee TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            CONSTRAINT reservations_hours CHECK (end_ts > start_ts AND start_ts % 3600 = 0 AND end_ts % 3600 = 0)
        )
        """,
        "CREATE INDEX reservations_gpu ON reservations (gpu_id, start_ts)",
        "CREATE INDEX reservations_user ON reservations (user_id, created_at)",
        "CREATE INDEX reservations_due ON reservations (status, start_ts)",
        """
        CREATE TABLE idempotency_keys (
            user_id TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            status INTEGER NOT NULL,
            response TEXT,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (user_id, key)
        )
        """,
    ]

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

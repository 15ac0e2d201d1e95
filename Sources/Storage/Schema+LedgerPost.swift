extension Schema {
    /// On PostgreSQL a posting is one call to `ledger_post`, so bookings and credits pay
    /// one round trip for their money movement instead of one per statement. It does what
    /// `SQLStore.post` does on SQLite, under the same seal and balance triggers: net change
    /// per account applied in key order (concurrent postings lock rows in one order),
    /// accounts created at zero when new, entries with their running balances, then the
    /// sealing transaction row. It returns FALSE, raising nothing, when the id is already
    /// posted, so the caller's transaction stays usable. The seal trigger also asks its
    /// two questions (at least two entries? summing to zero?) in one query now.
    static let ledgerPost = Migration(
        version: 7, name: "ledger_post function",
        sqlite: [],
        postgres: [
            """
            CREATE FUNCTION ledger_post(p_id TEXT, p_kind TEXT, p_refs TEXT, p_created BIGINT, p_entries JSONB)
            RETURNS BOOLEAN LANGUAGE plpgsql AS $$
            DECLARE
                change RECORD;
            BEGIN
                IF EXISTS (SELECT 1 FROM ledger_transactions WHERE id = p_id) THEN
                    RETURN FALSE;
                END IF;
                FOR change IN
                    SELECT e.account, e.kind, e.owner, SUM(e.amount) AS net
                    FROM jsonb_to_recordset(p_entries) AS e(account TEXT, kind TEXT, owner TEXT, amount BIGINT)
                    GROUP BY e.account, e.kind, e.owner ORDER BY e.account
                LOOP
                    UPDATE ledger_accounts SET balance = balance + change.net WHERE id = change.account;
                    IF NOT FOUND THEN
                        INSERT INTO ledger_accounts (id, kind, owner, balance) VALUES (change.account, change.kind, change.owner, 0)
                        ON CONFLICT (id) DO NOTHING;
                        UPDATE ledger_accounts SET balance = balance + change.net WHERE id = change.account;
                    END IF;
                END LOOP;
                INSERT INTO ledger_entries (tx_id, account_id, amount, balance_after, created_at)
                SELECT p_id, e.account, e.amount,
                       a.balance - SUM(e.amount) OVER (PARTITION BY e.account)
                                 + SUM(e.amount) OVER (PARTITION BY e.account ORDER BY e.n),
                       p_created
                FROM jsonb_to_recordset(p_entries) AS e(account TEXT, amount BIGINT, n INT)
                JOIN ledger_accounts a ON a.id = e.account
                ORDER BY e.n;
                INSERT INTO ledger_transactions (id, kind, refs, created_at) VALUES (p_id, p_kind, p_refs, p_created);
                RETURN TRUE;
            END $$
            """,
            """
            CREATE OR REPLACE FUNCTION ledger_transactions_seal() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                n BIGINT;
                total NUMERIC;
            BEGIN
                SELECT COUNT(*), COALESCE(SUM(amount), 0) INTO n, total FROM ledger_entries WHERE tx_id = NEW.id;
                IF n < 2 OR total <> 0 THEN
                    RAISE EXCEPTION 'ledger_unbalanced: entries do not sum to zero' USING ERRCODE = '23514';
                END IF;
                RETURN NEW;
            END $$
            """,
        ])
}

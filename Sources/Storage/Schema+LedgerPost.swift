extension Schema {
    /// On PostgreSQL a posting is one call to `ledger_post`, so a booking pays one round
    /// trip for its money movement and a backfill chunk one for a thousand credits. Set
    /// based, whatever the number of movements: the net change per account applied after
    /// locking the accounts in key order (concurrent postings lock rows in one order;
    /// accounts are created at zero when new), entries with their running balances, then
    /// the sealing transaction rows, under the same seal and balance triggers as on
    /// SQLite. It returns FALSE, raising nothing and writing nothing, when any id is
    /// already posted, so the caller's transaction stays usable. The seal trigger also
    /// asks its two questions (at least two entries? summing to zero?) in one query now.
    ///
    /// `p_movements` is `[{"id", "kind", "refs", "created", "n", "entries": [{"account",
    /// "kind", "owner", "amount", "n"}]}]`, `n` giving the order of movements and entries.
    static let ledgerPost = Migration(
        version: 7, name: "ledger_post function",
        sqlite: [],
        postgres: [
            """
            CREATE FUNCTION ledger_post_entries(p_movements JSONB)
            RETURNS TABLE (tx_id TEXT, created BIGINT, mn INT, account TEXT, kind TEXT, owner TEXT, amount BIGINT, n INT)
            LANGUAGE sql IMMUTABLE AS $$
                SELECT m.id, m.created, m.n, x.account, x.kind, x.owner, x.amount, x.n
                FROM jsonb_to_recordset(p_movements) AS m(id TEXT, created BIGINT, n INT, entries JSONB),
                     jsonb_to_recordset(m.entries) AS x(account TEXT, kind TEXT, owner TEXT, amount BIGINT, n INT)
            $$
            """,
            """
            CREATE FUNCTION ledger_post(p_movements JSONB) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
            DECLARE
                wanted INT;
                locked INT;
            BEGIN
                IF EXISTS (
                    SELECT 1 FROM ledger_transactions t JOIN jsonb_to_recordset(p_movements) AS m(id TEXT) ON m.id = t.id
                ) THEN
                    RETURN FALSE;
                END IF;
                SELECT COUNT(DISTINCT account) INTO wanted FROM ledger_post_entries(p_movements);
                PERFORM 1 FROM ledger_accounts WHERE id IN (SELECT account FROM ledger_post_entries(p_movements)) ORDER BY id FOR UPDATE;
                GET DIAGNOSTICS locked = ROW_COUNT;
                IF locked < wanted THEN
                    INSERT INTO ledger_accounts (id, kind, owner, balance)
                    SELECT DISTINCT account, kind, owner, 0 FROM ledger_post_entries(p_movements) ORDER BY account
                    ON CONFLICT (id) DO NOTHING;
                    PERFORM 1 FROM ledger_accounts WHERE id IN (SELECT account FROM ledger_post_entries(p_movements)) ORDER BY id FOR UPDATE;
                END IF;
                UPDATE ledger_accounts a SET balance = a.balance + c.net
                FROM (SELECT account, SUM(amount) AS net FROM ledger_post_entries(p_movements) GROUP BY account) c
                WHERE a.id = c.account;
                INSERT INTO ledger_entries (tx_id, account_id, amount, balance_after, created_at)
                SELECT e.tx_id, e.account, e.amount,
                       a.balance - SUM(e.amount) OVER (PARTITION BY e.account)
                                 + SUM(e.amount) OVER (PARTITION BY e.account ORDER BY e.mn, e.n),
                       e.created
                FROM ledger_post_entries(p_movements) e JOIN ledger_accounts a ON a.id = e.account
                ORDER BY e.mn, e.n;
                INSERT INTO ledger_transactions (id, kind, refs, created_at)
                SELECT m.id, m.kind, m.refs, m.created
                FROM jsonb_to_recordset(p_movements) AS m(id TEXT, kind TEXT, refs TEXT, created BIGINT, n INT)
                ORDER BY m.n;
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

extension Schema {
    /// Each account's lifetime totals (`WalletTotal`), kept as movements are posted so a
    /// wallet summary reads a handful of rows instead of summing the user's whole
    /// history. The existing history is summed once here, by the rule `WalletTotal`
    /// states as of this version. On PostgreSQL `ledger_post` keeps its name for callers
    /// and wraps the balance posting of version 7, then adds the totals each movement
    /// carries; the accounts are locked by then, so concurrent postings do not deadlock
    /// on a totals row.
    static let walletTotals = Migration(
        version: 22, name: "wallet totals",
        sqlite: [totalsTable, totalsBackfill],
        postgres: [
            totalsTable, totalsBackfill,
            "ALTER FUNCTION ledger_post(JSONB) RENAME TO ledger_post_balances",
            """
            CREATE FUNCTION ledger_post(p_movements JSONB) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
            BEGIN
                IF NOT ledger_post_balances(p_movements) THEN
                    RETURN FALSE;
                END IF;
                INSERT INTO ledger_totals (account_id, total, amount)
                SELECT x.account, x.total, SUM(x.amount)
                FROM jsonb_to_recordset(p_movements) AS m(totals JSONB),
                     jsonb_to_recordset(m.totals) AS x(account TEXT, total TEXT, amount BIGINT)
                GROUP BY x.account, x.total ORDER BY x.account, x.total
                ON CONFLICT (account_id, total) DO UPDATE SET amount = ledger_totals.amount + EXCLUDED.amount;
                RETURN TRUE;
            END $$
            """,
        ])

    private static let totalsTable = """
        CREATE TABLE ledger_totals (
            account_id TEXT NOT NULL REFERENCES ledger_accounts (id),
            total TEXT NOT NULL CHECK (total IN ('deposited', 'withdrawn', 'spent', 'earned')),
            amount BIGINT NOT NULL,
            PRIMARY KEY (account_id, total)
        )
        """

    static let totalsBackfill = """
        INSERT INTO ledger_totals (account_id, total, amount)
        SELECT account_id, total, CAST(SUM(amount) AS BIGINT) FROM (
            SELECT e.account_id,
                CASE
                  WHEN a.kind = 'available' AND t.kind IN ('deposit', 'simulated_deposit') THEN 'deposited'
                  WHEN a.kind = 'held' AND t.kind IN ('withdrawal', 'simulated_withdrawal') AND e.amount < 0 THEN 'withdrawn'
                  WHEN a.kind = 'held' AND t.kind IN ('reservation_capture', 'cluster_charge') THEN 'spent'
                  WHEN a.kind = 'earnings' AND e.amount > 0 THEN 'earned'
                END AS total,
                CASE WHEN a.kind = 'held' THEN -e.amount ELSE e.amount END AS amount
            FROM ledger_entries e
            JOIN ledger_transactions t ON t.id = e.tx_id
            JOIN ledger_accounts a ON a.id = e.account_id
        ) c
        WHERE total IS NOT NULL
        GROUP BY account_id, total
        HAVING SUM(amount) <> 0
        """
}

extension Schema {
    /// Price history that scales: one point per model, provider and hour (updated in place
    /// during the hour) or day (hours older than 90 days folded), with p10 and p90 beside
    /// min, median and max. The raw `price_history` rows written every sync before this
    /// migration are folded into hours once older than 48 hours.
    static let priceHistoryRollup = Migration(
        version: 10, name: "price history rollup",
        both: [
            """
            CREATE TABLE price_points (
                model TEXT NOT NULL,
                provider TEXT NOT NULL,
                bucket TEXT NOT NULL CHECK (bucket IN ('hour', 'day')),
                t BIGINT NOT NULL,
                min_price BIGINT NOT NULL,
                p10_price BIGINT NOT NULL,
                median_price BIGINT NOT NULL,
                p90_price BIGINT NOT NULL,
                max_price BIGINT NOT NULL,
                offers INTEGER NOT NULL,
                samples INTEGER NOT NULL,
                PRIMARY KEY (model, provider, bucket, t)
            )
            """,
            "CREATE INDEX price_points_bucket_t ON price_points (bucket, t)",
            "CREATE INDEX price_history_t ON price_history (t)",
        ])
}

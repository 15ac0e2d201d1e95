extension Schema {
    /// The overlap checks (SQLite's triggers, `ensureFree`, a GPU's calendar) ask only for
    /// live bookings, but the `(gpu_id, start_ts)` index also holds every cancelled and
    /// completed one, so each booking of a GPU scanned all its past bookings and booking
    /// slowed as history grew (a 5-minute mixed load halved its throughput). Partial on the
    /// same condition the checks state, so both engines use it.
    static let liveBookings = Migration(
        version: 23, name: "live bookings index",
        both: [
            "CREATE INDEX reservations_gpu_live ON reservations (gpu_id, start_ts) WHERE status IN ('confirmed', 'active')"
        ])
}

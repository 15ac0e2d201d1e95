/// What a cluster operation decided: the cluster as it is to be stored, its member
/// bookings, and the ledger movements. The store writes all of it in one database
/// transaction.
public struct ClusterDecision: Sendable, Hashable {
    public var cluster: Cluster
    /// Member bookings to insert (at creation; the store's no-overlap guard still applies).
    public var newBookings: [Reservation]
    /// The status the members' live bookings move to; nil when they stay as they are.
    public var memberBookingStatus: Reservation.Status?
    /// In posting order.
    public var movements: [LedgerTransaction]

    public init(
        cluster: Cluster, newBookings: [Reservation] = [], memberBookingStatus: Reservation.Status? = nil,
        movements: [LedgerTransaction] = []
    ) {
        self.cluster = cluster
        self.newBookings = newBookings
        self.memberBookingStatus = memberBookingStatus
        self.movements = movements
    }
}

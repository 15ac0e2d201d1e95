/// What a booking operation decided: the reservation as it is to be stored, and the
/// ledger movements that go with it. The store writes both in one database transaction.
public struct ReservationDecision: Sendable, Hashable {
    public var reservation: Reservation
    /// In posting order; empty when no money moves (a free booking, a completion).
    public var movements: [LedgerTransaction]

    public init(reservation: Reservation, movements: [LedgerTransaction]) {
        self.reservation = reservation
        self.movements = movements
    }
}

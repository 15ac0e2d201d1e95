import Ethereum

/// Bookings and their money, each operation one database transaction.
public protocol ReservationStore: Sendable {
    /// Books `[start, end)` on the offer and holds `hours × price` from the user's
    /// available balance. Throws `slotTaken` if any hour overlaps a live booking (the
    /// database enforces it), `LedgerError.insufficientFunds` if funds are short.
    /// `substituteCeiling` lets a machine rental take the same model at up to that price
    /// per hour when the provider says the offer is gone.
    func book(
        id: String, userID: String, gpuID: String, start: Int64, end: Int64, substituteCeiling: USDC?, now: Int64
    ) async throws -> Reservation
    func reservation(id: String) async throws -> Reservation?
    /// The user's reservations, newest first; `after` is the last id of the previous page.
    func reservations(userID: String, after: String?, limit: Int) async throws -> [Reservation]
    /// Applies `ReservationPolicy.refund` and captures the rest.
    func cancel(id: String, userID: String, now: Int64, fee: PlatformFee) async throws -> Reservation
    /// Moves the end later, holding (or, once active, capturing) the extra hours.
    func extend(id: String, userID: String, newEnd: Int64, now: Int64, fee: PlatformFee) async throws -> Reservation
    /// Starts due bookings (capturing their holds) and completes finished ones; returns
    /// how many moved. Safe to run on several replicas at once.
    func advanceLifecycle(now: Int64, fee: PlatformFee, limit: Int) async throws -> (started: Int, completed: Int)
    /// Live bookings of a GPU overlapping `[from, to)`.
    func bookings(gpuID: String, from: Int64, to: Int64) async throws -> [Reservation]
}

extension ReservationStore {
    /// A booking without substitution.
    public func book(id: String, userID: String, gpuID: String, start: Int64, end: Int64, now: Int64) async throws
        -> Reservation
    {
        try await book(id: id, userID: userID, gpuID: gpuID, start: start, end: end, substituteCeiling: nil, now: now)
    }
}

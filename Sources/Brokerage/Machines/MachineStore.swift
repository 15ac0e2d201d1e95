/// Machines rented for bookings, each write one database transaction.
public protocol MachineStore: Sendable {
    /// Active bookings of `providers` that have no machine yet, then live machines whose
    /// next check is due (including those whose booking ended), oldest first.
    func machineWork(providers: [String], now: Int64, limit: Int) async throws -> [MachineWork]
    /// Writes a decision taken on `reservation` as read: the machine, the booking's change
    /// and its refunds. Returns false, writing nothing, when the booking changed meanwhile
    /// (the next round decides again from what is stored).
    func save(_ decision: MachineDecision, basedOn reservation: Reservation, now: Int64) async throws -> Bool
    /// Machines that may exist at their provider, per provider (for `/metrics`).
    func liveMachineCounts() async throws -> [String: Int]
    /// Records the renter's restart request (``MachineLifecycle/requestRestart(_:reservation:by:now:)``)
    /// for the provisioning service to carry out; `notFound` for anyone but the owner.
    func requestRestart(reservationID: String, userID: String, now: Int64) async throws -> Machine
    func machine(reservationID: String) async throws -> Machine?
    /// Machines newest first, optionally in one state; `after` is the last id of the previous page.
    func machines(state: MachineState?, after: String?, limit: Int) async throws -> [Machine]
}

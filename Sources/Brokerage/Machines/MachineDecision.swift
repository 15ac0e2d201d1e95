/// What the lifecycle decided after one provider answer. The store writes the machine,
/// the reservation and the movements in one transaction; the service then makes the
/// follow-up call, if any.
public struct MachineDecision: Sendable, Hashable {
    public var machine: Machine
    /// The booking as it is to be stored when it changes (refunded, ended early).
    public var reservation: Reservation?
    /// Refunds, in posting order.
    public var movements: [LedgerTransaction]
    /// An offer (GP4U id) to mark unavailable at once: the provider said it is gone.
    public var offerUnavailable: String?
    /// The next call to make now, without waiting for the next round.
    public var followUp: MachineAction?
    /// The offer is gone and the booking accepts a substitute: the service looks for one
    /// in the market and asks ``MachineLifecycle/substitute(_:reservation:model:candidates:fee:now:)``.
    public var wantsSubstitute: Bool

    public init(
        machine: Machine, reservation: Reservation? = nil, movements: [LedgerTransaction] = [],
        offerUnavailable: String? = nil, followUp: MachineAction? = nil, wantsSubstitute: Bool = false
    ) {
        self.machine = machine
        self.reservation = reservation
        self.movements = movements
        self.offerUnavailable = offerUnavailable
        self.followUp = followUp
        self.wantsSubstitute = wantsSubstitute
    }
}

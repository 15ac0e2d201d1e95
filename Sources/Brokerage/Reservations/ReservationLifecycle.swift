import Ethereum

/// Every booking's money and state changes, decided from the stored facts: booking,
/// cancelling, extending, and the clock's start and completion. The store reads the
/// reservation (locked) and the offer's terms, calls one of these, and writes what it
/// returns; nothing here touches a database, so each rule is tested as a plain function.
///
/// `confirmed → active → completed`, or `confirmed | active → cancelled`. The hold is
/// taken at booking, captured at the start (platform fee to revenue, the rest to the
/// payee), and refunded on cancellation by ``ReservationPolicy/refund(for:at:)``.
public enum ReservationLifecycle {
    /// A new booking of `[start, end)`: valid whole hours, an open offer, and
    /// `hours × price` held from the renter's available balance.
    /// `substituteCeiling`, when given, must be at least the offer's price.
    public static func book(
        id: String, userID: String, gpuID: String, start: Int64, end: Int64, terms: BookingTerms,
        substituteCeiling: USDC? = nil, now: Int64
    ) throws -> ReservationDecision {
        try ReservationPolicy.validate(start: start, end: end, now: now)
        guard terms.available else { throw ReservationError.gpuUnavailable }
        if let ceiling = substituteCeiling, ceiling < terms.pricePerHour {
            throw ReservationError.invalidField(
                field: "max_price_per_hour",
                reason: "max_price_per_hour (\(ceiling)) is below this offer's price (\(terms.pricePerHour) an hour)")
        }
        let total = try ReservationPolicy.cost(start: start, end: end, pricePerHour: terms.pricePerHour)
        let reservation = Reservation(
            id: id, userID: userID, gpuID: gpuID, start: start, end: end, pricePerHour: terms.pricePerHour,
            totalCost: total, status: .confirmed, payee: try terms.payee(), createdAt: now,
            substituteCeiling: substituteCeiling)
        let hold = try self.hold(reservation, amount: total, id: "hold:\(id)", now: now)
        return ReservationDecision(reservation: reservation, movements: hold)
    }

    /// `userID` cancels: the policy's refund goes back to available and the rest of the
    /// hold is captured like a start. An active booking was captured at its start, so it
    /// refunds nothing and only frees the GPU.
    public static func cancel(_ r: Reservation, by userID: String, now: Int64, fee: PlatformFee) throws
        -> ReservationDecision
    {
        try checkOwn(r, userID)
        guard r.status == .confirmed || r.status == .active else {
            throw ReservationError.notAllowed("a \(r.status.rawValue) reservation cannot be cancelled")
        }
        let refund = ReservationPolicy.refund(for: r, at: now)
        var movements: [LedgerTransaction] = []
        if r.status == .confirmed {
            let retained = try r.totalCost.subtracting(refund)
            if refund > .zero {
                movements.append(
                    try .transfer(
                        id: "refund:\(r.id)", kind: retained == .zero ? .reservationRelease : .reservationRefund,
                        amount: refund, from: .held(user: r.userID), to: .available(user: r.userID),
                        references: ["reservation": r.id], createdAt: now))
            }
            movements += try capture(r, amount: retained, id: "capture:\(r.id)", fee: fee, now: now)
        }
        var next = r
        next.status = .cancelled
        next.refunded = refund
        return ReservationDecision(reservation: next, movements: movements)
    }

    /// `userID` moves the end later: the extra hours are held, and captured at once when
    /// the booking is already active. The store must still check that the added hours
    /// `[r.end, newEnd)` are free.
    public static func extend(_ r: Reservation, by userID: String, to newEnd: Int64, now: Int64, fee: PlatformFee)
        throws -> ReservationDecision
    {
        try checkOwn(r, userID)
        guard r.status == .confirmed || r.status == .active else {
            throw ReservationError.notAllowed("a \(r.status.rawValue) reservation cannot be extended")
        }
        guard newEnd > r.end else {
            throw ReservationError.invalidField(field: "end_time", reason: "end_time must be after the current end")
        }
        guard newEnd > now else {
            throw ReservationError.invalidField(field: "end_time", reason: "end_time is in the past")
        }
        try ReservationPolicy.validate(start: r.start, end: newEnd, now: min(now, r.start))
        let extra = try ReservationPolicy.cost(start: r.end, end: newEnd, pricePerHour: r.pricePerHour)
        var movements = try hold(r, amount: extra, id: "hold:\(r.id):to:\(newEnd)", now: now)
        if r.status == .active {
            movements += try capture(r, amount: extra, id: "capture:\(r.id):to:\(newEnd)", fee: fee, now: now)
        }
        var next = r
        next.end = newEnd
        next.totalCost = try r.totalCost.adding(extra)
        return ReservationDecision(reservation: next, movements: movements)
    }

    /// What the clock does to a booking at `now`: a confirmed booking whose start has come
    /// becomes active and its hold is captured; an active one whose end has passed
    /// completes (both at once after downtime). `nil` when nothing is due, and always for
    /// a cluster's member bookings, which move with their cluster.
    public static func advance(_ r: Reservation, now: Int64, fee: PlatformFee) throws -> ReservationDecision? {
        guard r.clusterID == nil else { return nil }
        var next = r
        var movements: [LedgerTransaction] = []
        if next.status == .confirmed, next.start <= now {
            movements = try capture(r, amount: r.totalCost, id: "capture:\(r.id)", fee: fee, now: now)
            next.status = .active
        }
        if next.status == .active, next.end <= now { next.status = .completed }
        return next == r ? nil : ReservationDecision(reservation: next, movements: movements)
    }

    /// Only the owner may change a booking (anyone else is told it does not exist), and
    /// a cluster's member bookings move only with their cluster.
    static func checkOwn(_ r: Reservation, _ userID: String) throws(ReservationError) {
        guard r.userID == userID else { throw .notFound }
        guard r.clusterID == nil else {
            throw .notAllowed("this booking belongs to a cluster; complete or fail the cluster instead")
        }
    }

    /// `amount` from the renter's available balance to held; nothing for zero.
    static func hold(_ r: Reservation, amount: USDC, id: String, now: Int64) throws -> [LedgerTransaction] {
        guard amount > .zero else { return [] }
        return [
            try .transfer(
                id: id, kind: .reservationHold, amount: amount, from: .available(user: r.userID),
                to: .held(user: r.userID), references: ["reservation": r.id], createdAt: now)
        ]
    }

    /// `amount` out of the renter's hold: the platform fee to revenue, the rest to the
    /// payee; nothing for zero.
    static func capture(_ r: Reservation, amount: USDC, id: String, fee: PlatformFee, now: Int64) throws
        -> [LedgerTransaction]
    {
        guard amount > .zero else { return [] }
        let (platform, payee) = fee.split(amount)
        var entries = [LedgerTransaction.Entry(.held(user: r.userID), -amount)]
        if platform > .zero { entries.append(.init(.revenue, platform)) }
        if payee > .zero { entries.append(.init(r.payee, payee)) }
        return [
            try LedgerTransaction(
                id: id, kind: .reservationCapture, entries: entries, references: ["reservation": r.id], createdAt: now)
        ]
    }
}

import Brokerage
import Ethereum
import Foundation

extension SQLStore: ReservationStore {
    /// Optimistic, because this is the hot path: the offer's terms (price, provider; from
    /// the last booking of this GPU, else read), then one conditional write that books
    /// only if the offer still has them. On PostgreSQL that write is a single
    /// auto-committed statement (insert and hold; no `BEGIN`/`COMMIT` round trips) which
    /// takes the offer row's lock first, so bookings of one GPU queue there and the
    /// exclusion constraint never sees two uncommitted overlapping inserts (which it can
    /// only settle by a deadlock abort), while different GPUs do not wait. The constraint
    /// (or SQLite's trigger, under its single writer) refuses a taken slot in the insert
    /// itself. A write that finds the terms changed reads them afresh and starts over, as
    /// does one that loses a deadlock to a cluster.
    public func book(id: String, userID: String, gpuID: String, start: Int64, end: Int64, now: Int64) async throws
        -> Reservation
    {
        var known = bookingTermsCache[gpuID]
        for attempt in 1...Self.conflictAttempts {
            do {
                let terms: BookingTerms
                if let known { terms = known } else { terms = try await bookingTerms(gpuID: gpuID) }
                if let reservation = try await book(
                    id: id, userID: userID, gpuID: gpuID, start: start, end: end, now: now, terms: terms)
                {
                    bookingTermsCache[gpuID] = terms
                    return reservation
                }
                known = nil
            } catch StorageError.conflict where attempt < Self.conflictAttempts {}
        }
        throw StorageError.conflict(detail: "the offer \(gpuID) kept changing while booking; retry")
    }

    /// How often a write that can lose to a concurrent one (changed terms, a deadlock at
    /// the exclusion constraint) is tried before its caller gets `busy`.
    static let conflictAttempts = 5

    /// What a booking's price and payee follow from.
    struct BookingTerms: Sendable, Equatable {
        var provider: String
        var pricePerHour: USDC
        var owner: String?
    }

    func bookingTerms(gpuID: String) async throws -> BookingTerms {
        guard
            let row = try await db.first(
                """
                SELECT o.provider, o.available, o.price_per_hour, p.owner_id
                FROM offers o LEFT JOIN provider_gpus p ON p.id = o.id WHERE o.id = $1
                """, [.text(gpuID)])
        else { throw ReservationError.gpuNotFound }
        guard try row.bool("available") else { throw ReservationError.gpuUnavailable }
        return BookingTerms(
            provider: try row.string("provider"), pricePerHour: USDC(micro: try row.int("price_per_hour")),
            owner: try row.optionalString("owner_id"))
    }

    /// Books on `terms`, or returns nil (writing nothing) when the offer no longer has
    /// them: unavailable, repriced, or gone. A listing's owner never changes, so the
    /// provider and the price pin the payee and the total.
    func book(id: String, userID: String, gpuID: String, start: Int64, end: Int64, now: Int64, terms: BookingTerms)
        async throws -> Reservation?
    {
        let total = try ReservationPolicy.cost(start: start, end: end, pricePerHour: terms.pricePerHour)
        let reservation = Reservation(
            id: id, userID: userID, gpuID: gpuID, start: start, end: end, pricePerHour: terms.pricePerHour,
            totalCost: total,
            status: .confirmed, payee: try Self.payee(provider: terms.provider, owner: terms.owner), createdAt: now)
        let insert = """
            INSERT INTO reservations (id, user_id, gpu_id, start_ts, end_ts, price_per_hour, total_cost, status, refunded, payee, created_at, updated_at)
            SELECT $1, $2, $3, $4, $5, $6, $7, 'confirmed', 0, $8, $9, $9 FROM offers
            WHERE id = $3 AND available AND price_per_hour = $6 AND provider = $10\(db.dialect == .postgres ? " FOR NO KEY UPDATE" : "")
            """
        let binds: [SQLValue] = [
            .text(id), .text(userID), .text(gpuID), .int(start), .int(end), .int(terms.pricePerHour.micro),
            .int(total.micro), .text(reservation.payee.key), .int(now), .text(terms.provider),
        ]
        let hold =
            total > .zero
            ? try LedgerTransaction.transfer(
                id: "hold:\(id)", kind: .reservationHold, amount: total, from: .available(user: userID),
                to: .held(user: userID), references: ["reservation": id], createdAt: now)
            : nil
        let write: @Sendable (any SQLExecutor) async throws -> Bool = { tx in
            if let hold { return try await Self.write(insert, binds, thenPost: hold, in: tx) }
            return try await Self.wroteRow(insert, binds, in: tx)
        }
        do {
            return try await (db.dialect == .postgres ? write(db) : db.transaction(write)) ? reservation : nil
        } catch let e as StorageError where e.isGuard("no_overlap") {
            throw ReservationError.slotTaken
        }
    }

    public func reservation(id: String) async throws -> Reservation? {
        try await db.first("SELECT * FROM reservations WHERE id = $1", [.text(id)]).map(Self.reservation)
    }

    public func reservations(userID: String, after: String?, limit: Int) async throws -> [Reservation] {
        if let after,
            let cursor = try await db.first(
                "SELECT created_at FROM reservations WHERE id = $1 AND user_id = $2", [.text(after), .text(userID)])
        {
            return try await db.query(
                """
                SELECT * FROM reservations WHERE user_id = $1 AND cluster_id IS NULL AND (created_at < $2 OR (created_at = $2 AND id < $3))
                ORDER BY created_at DESC, id DESC LIMIT $4
                """, [.text(userID), .int(try cursor.int("created_at")), .text(after), .int(Int64(limit))]
            ).map(Self.reservation)
        }
        return try await db.query(
            "SELECT * FROM reservations WHERE user_id = $1 AND cluster_id IS NULL ORDER BY created_at DESC, id DESC LIMIT $2",
            [.text(userID), .int(Int64(limit))]
        ).map(Self.reservation)
    }

    public func cancel(id: String, userID: String, now: Int64, fee: PlatformFee) async throws -> Reservation {
        try await db.transaction { tx in
            var r = try await Self.lockedReservation(id: id, userID: userID, in: tx)
            guard r.status == .confirmed || r.status == .active else {
                throw ReservationError.notAllowed("a \(r.status.rawValue) reservation cannot be cancelled")
            }
            let refund = ReservationPolicy.refund(for: r, at: now)
            if r.status == .confirmed {
                let retained = try r.totalCost.subtracting(refund)
                if refund > .zero {
                    let kind: LedgerTransaction.Kind = retained == .zero ? .reservationRelease : .reservationRefund
                    try await Self.post(
                        try .transfer(
                            id: "refund:\(id)", kind: kind, amount: refund, from: .held(user: userID),
                            to: .available(user: userID),
                            references: ["reservation": id], createdAt: now),
                        in: tx)
                }
                try await Self.capture(r, amount: retained, id: "capture:\(id)", fee: fee, now: now, in: tx)
            }
            r.status = .cancelled
            r.refunded = refund
            try await tx.query(
                "UPDATE reservations SET status = 'cancelled', refunded = $1, updated_at = $2 WHERE id = $3",
                [.int(refund.micro), .int(now), .text(id)])
            return r
        }
    }

    public func extend(id: String, userID: String, newEnd: Int64, now: Int64, fee: PlatformFee) async throws
        -> Reservation
    {
        // Run again if it loses a deadlock at the exclusion constraint, as a booking does.
        try await db.transaction(retryingConflicts: Self.conflictAttempts) { tx in
            var r = try await Self.lockedReservation(id: id, userID: userID, in: tx)
            guard r.status == .confirmed || r.status == .active else {
                throw ReservationError.notAllowed("a \(r.status.rawValue) reservation cannot be extended")
            }
            guard newEnd > r.end else {
                throw ReservationError.invalidTimes(field: "end_time", reason: "end_time must be after the current end")
            }
            guard newEnd > now else {
                throw ReservationError.invalidTimes(field: "end_time", reason: "end_time is in the past")
            }
            try ReservationPolicy.validate(start: r.start, end: newEnd, now: min(now, r.start))
            try await Self.ensureFree(gpuID: r.gpuID, from: r.end, to: newEnd, except: id, in: tx)
            let extra = try ReservationPolicy.cost(start: r.end, end: newEnd, pricePerHour: r.pricePerHour)
            do {
                try await tx.query(
                    "UPDATE reservations SET end_ts = $1, total_cost = total_cost + $2, updated_at = $3 WHERE id = $4",
                    [.int(newEnd), .int(extra.micro), .int(now), .text(id)])
            } catch let e as StorageError where e.isGuard("no_overlap") {
                throw ReservationError.slotTaken
            }
            let txID = "hold:\(id):to:\(newEnd)"
            if extra > .zero {
                try await Self.post(
                    try .transfer(
                        id: txID, kind: .reservationHold, amount: extra, from: .available(user: userID),
                        to: .held(user: userID),
                        references: ["reservation": id], createdAt: now),
                    in: tx)
                if r.status == .active {
                    try await Self.capture(
                        r, amount: extra, id: "capture:\(id):to:\(newEnd)", fee: fee, now: now, in: tx)
                }
            }
            r.end = newEnd
            r.totalCost = try r.totalCost.adding(extra)
            return r
        }
    }

    public func advanceLifecycle(now: Int64, fee: PlatformFee, limit: Int) async throws -> (
        started: Int, completed: Int
    ) {
        try await db.transaction { tx in
            // SKIP LOCKED lets several replicas share the work without waiting on each
            // other; SQLite's single writer needs no claim.
            let lock = tx.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            let due = try await tx.query(
                "SELECT * FROM reservations WHERE status = 'confirmed' AND cluster_id IS NULL AND start_ts <= $1 ORDER BY start_ts, id LIMIT $2\(lock)",
                [.int(now), .int(Int64(limit))]
            ).map(Self.reservation)
            for r in due {
                try await Self.capture(r, amount: r.totalCost, id: "capture:\(r.id)", fee: fee, now: now, in: tx)
                try await tx.query(
                    "UPDATE reservations SET status = 'active', updated_at = $1 WHERE id = $2",
                    [.int(now), .text(r.id)])
            }
            let finished = try await tx.query(
                "SELECT id FROM reservations WHERE status = 'active' AND cluster_id IS NULL AND end_ts <= $1 ORDER BY end_ts, id LIMIT $2\(lock)",
                [.int(now), .int(Int64(limit))])
            for row in finished {
                try await tx.query(
                    "UPDATE reservations SET status = 'completed', updated_at = $1 WHERE id = $2",
                    [.int(now), .text(try row.string("id"))])
            }
            return (due.count, finished.count)
        }
    }

    public func bookings(gpuID: String, from: Int64, to: Int64) async throws -> [Reservation] {
        try await db.query(
            """
            SELECT * FROM reservations WHERE gpu_id = $1 AND status IN ('confirmed', 'active')
              AND start_ts < $3 AND end_ts > $2 ORDER BY start_ts
            """, [.text(gpuID), .int(from), .int(to)]
        ).map(Self.reservation)
    }

    // MARK: - Helpers

    /// The in-transaction check SQLite relies on (under its write lock); on PostgreSQL
    /// the exclusion constraint is the real guard and this only gives the error early.
    static func ensureFree(gpuID: String, from: Int64, to: Int64, except: String?, in tx: any SQLExecutor) async throws
    {
        let clash = try await tx.first(
            """
            SELECT id FROM reservations WHERE gpu_id = $1 AND status IN ('confirmed', 'active')
              AND start_ts < $3 AND end_ts > $2 AND id <> $4 LIMIT 1
            """, [.text(gpuID), .int(from), .int(to), .text(except ?? "")])
        if clash != nil { throw ReservationError.slotTaken }
    }

    static func lockedReservation(id: String, userID: String, in tx: any SQLExecutor) async throws -> Reservation {
        let lock = tx.dialect == .postgres ? " FOR UPDATE" : ""
        guard let row = try await tx.first("SELECT * FROM reservations WHERE id = $1\(lock)", [.text(id)]),
            try row.string("user_id") == userID
        else { throw ReservationError.notFound }
        // A cluster's member bookings move with the cluster (its start, complete and fail).
        if try row.optionalString("cluster_id") != nil {
            throw ReservationError.notAllowed("this booking belongs to a cluster; complete or fail the cluster instead")
        }
        return try reservation(row)
    }

    /// Moves `amount` out of the user's hold: the platform fee to revenue, the rest to
    /// the payee.
    static func capture(
        _ r: Reservation, amount: USDC, id: String, fee: PlatformFee, now: Int64, in tx: any SQLExecutor
    ) async throws {
        guard amount > .zero else { return }
        let (platform, payee) = fee.split(amount)
        var entries = [LedgerTransaction.Entry(.held(user: r.userID), -amount)]
        if platform > .zero { entries.append(.init(.revenue, platform)) }
        if payee > .zero { entries.append(.init(r.payee, payee)) }
        try await post(
            try LedgerTransaction(
                id: id, kind: .reservationCapture, entries: entries, references: ["reservation": r.id], createdAt: now),
            in: tx)
    }

    /// Who earns from booking `offer`: a GP4U listing pays its owner's earnings account;
    /// marketplace offers earn for their upstream provider (settled off-platform).
    static func payee(of offer: Offer, in tx: any SQLExecutor) async throws -> LedgerAccount {
        let owner =
            offer.provider == .gp4u
            ? try await tx.first("SELECT owner_id FROM provider_gpus WHERE id = $1", [.text(offer.id)])?.string(
                "owner_id") : nil
        return try payee(provider: offer.provider.rawValue, owner: owner)
    }

    static func payee(provider: String, owner: String?) throws -> LedgerAccount {
        guard provider == ProviderID.gp4u.rawValue else { return .earnings(user: "upstream:\(provider)") }
        guard let owner else { throw ReservationError.gpuNotFound }
        return .earnings(user: owner)
    }

    static func reservation(_ row: SQLRow) throws -> Reservation {
        guard let status = Reservation.Status(rawValue: try row.string("status")),
            let payee = LedgerAccount(key: try row.string("payee"))
        else { throw StorageError.decoding(column: "status") }
        return Reservation(
            id: try row.string("id"), userID: try row.string("user_id"), gpuID: try row.string("gpu_id"),
            start: try row.int("start_ts"), end: try row.int("end_ts"),
            pricePerHour: USDC(micro: try row.int("price_per_hour")),
            totalCost: USDC(micro: try row.int("total_cost")), status: status,
            refunded: USDC(micro: try row.int("refunded")),
            payee: payee, createdAt: try row.int("created_at"))
    }
}

import Brokerage
import Ethereum
import Foundation

extension SQLStore: ReservationStore {
    /// Optimistic, because this is the hot path: the offer's terms (from the last booking
    /// of this GPU, else read), the decision, then one conditional write that books only
    /// if the offer still has those terms. On PostgreSQL that write is a single
    /// auto-committed statement (insert and hold; no `BEGIN`/`COMMIT` round trips) which
    /// takes the offer row's lock first, so bookings of one GPU queue there and the
    /// exclusion constraint never sees two uncommitted overlapping inserts (which it can
    /// only settle by a deadlock abort), while different GPUs do not wait. The constraint
    /// (or SQLite's trigger, under its single writer) refuses a taken slot in the insert
    /// itself. A write that finds the terms changed reads them afresh and starts over, as
    /// does one that loses a deadlock to a cluster.
    public func book(
        id: String, userID: String, gpuID: String, start: Int64, end: Int64, substituteCeiling: USDC?, now: Int64
    ) async throws -> Reservation {
        var known = bookingTermsCache[gpuID]
        for attempt in 1...Self.conflictAttempts {
            do {
                let terms: BookingTerms
                if let known { terms = known } else { terms = try await bookingTerms(gpuID: gpuID) }
                let decision = try ReservationLifecycle.book(
                    id: id, userID: userID, gpuID: gpuID, start: start, end: end, terms: terms,
                    substituteCeiling: substituteCeiling, now: now)
                if try await write(booking: decision, terms: terms) {
                    bookingTermsCache[gpuID] = terms
                    return decision.reservation
                }
                known = nil
            } catch StorageError.conflict where attempt < Self.conflictAttempts && !isAtomic {}
        }
        throw StorageError.conflict(detail: "the offer \(gpuID) kept changing while booking; retry")
    }

    /// How often a write that can lose to a concurrent one (changed terms, a deadlock at
    /// the exclusion constraint) is tried before its caller gets `busy`.
    static let conflictAttempts = 5

    func bookingTerms(gpuID: String) async throws -> BookingTerms {
        guard
            let row = try await db.first(
                """
                SELECT o.provider, o.available, o.price_per_hour, p.owner_id
                FROM offers o LEFT JOIN provider_gpus p ON p.id = o.id WHERE o.id = $1
                """, [.text(gpuID)])
        else { throw ReservationError.gpuNotFound }
        return BookingTerms(
            provider: try row.string("provider"), pricePerHour: USDC(micro: try row.int("price_per_hour")),
            available: try row.bool("available"), owner: try row.optionalString("owner_id"))
    }

    /// Writes a booking decided on `terms`, or returns false (writing nothing) when the
    /// offer no longer has them: unavailable, repriced, or gone. A listing's owner never
    /// changes, so the provider and the price pin the payee and the total.
    func write(booking decision: ReservationDecision, terms: BookingTerms) async throws -> Bool {
        let r = decision.reservation
        let insert = """
            INSERT INTO reservations (id, user_id, gpu_id, start_ts, end_ts, price_per_hour, total_cost, status, refunded, payee, created_at, updated_at, substitute_ceiling)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $10, $12 FROM offers
            WHERE id = $3 AND available AND price_per_hour = $6 AND provider = $11\(db.dialect == .postgres ? " FOR NO KEY UPDATE" : "")
            """
        let binds: [SQLValue] = [
            .text(r.id), .text(r.userID), .text(r.gpuID), .int(r.start), .int(r.end), .int(terms.pricePerHour.micro),
            .int(r.totalCost.micro), .text(r.status.rawValue), .text(r.payee.key), .int(r.createdAt),
            .text(terms.provider), r.substituteCeiling.map { .int($0.micro) } ?? .null,
        ]
        let hold = decision.movements.first
        let write: @Sendable (any SQLExecutor) async throws -> Bool = { tx in
            if let hold { return try await Self.write(insert, binds, thenPost: hold, in: tx) }
            return try await Self.wroteRow(insert, binds, in: tx)
        }
        do {
            return try await (db.dialect == .postgres ? write(db) : db.transaction(write))
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
            let decision = try ReservationLifecycle.cancel(
                try await Self.lockedReservation(id: id, in: tx), by: userID, now: now, fee: fee)
            try await Self.save(decision, now: now, in: tx)
            return decision.reservation
        }
    }

    public func extend(id: String, userID: String, newEnd: Int64, now: Int64, fee: PlatformFee) async throws
        -> Reservation
    {
        // Run again if it loses a deadlock at the exclusion constraint, as a booking does.
        try await db.transaction(retryingConflicts: Self.conflictAttempts) { tx in
            let r = try await Self.lockedReservation(id: id, in: tx)
            let decision = try ReservationLifecycle.extend(r, by: userID, to: newEnd, now: now, fee: fee)
            try await Self.ensureFree(gpuID: r.gpuID, from: r.end, to: newEnd, except: id, in: tx)
            do {
                try await Self.save(decision, now: now, in: tx)
            } catch let e as StorageError where e.isGuard("no_overlap") {
                throw ReservationError.slotTaken
            }
            return decision.reservation
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
                """
                SELECT * FROM reservations WHERE cluster_id IS NULL AND ((status = 'confirmed' AND start_ts <= $1)
                    OR (status = 'active' AND end_ts <= $1)) ORDER BY start_ts, id LIMIT $2\(lock)
                """,
                [.int(now), .int(Int64(limit))]
            ).map(Self.reservation)
            var (started, completed) = (0, 0)
            for r in due {
                guard let decision = try ReservationLifecycle.advance(r, now: now, fee: fee) else { continue }
                try await Self.save(decision, now: now, in: tx)
                if r.status == .confirmed { started += 1 }
                if decision.reservation.status == .completed { completed += 1 }
            }
            return (started, completed)
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
        let clash = try await tx.first(clashQuery, [.text(gpuID), .int(from), .int(to), .text(except ?? "")])
        if clash != nil { throw ReservationError.slotTaken }
    }

    /// A live booking of GPU `$1` overlapping `[$2, $3)`, other than `$4`; its status
    /// condition is the live-bookings index's (migration 23), so it never reads past ones.
    static let clashQuery = """
        SELECT id FROM reservations WHERE gpu_id = $1 AND status IN ('confirmed', 'active')
          AND start_ts < $3 AND end_ts > $2 AND id <> $4 LIMIT 1
        """

    static func lockedReservation(id: String, in tx: any SQLExecutor) async throws -> Reservation {
        let lock = tx.dialect == .postgres ? " FOR UPDATE" : ""
        guard let row = try await tx.first("SELECT * FROM reservations WHERE id = $1\(lock)", [.text(id)]) else {
            throw ReservationError.notFound
        }
        return try reservation(row)
    }

    /// Writes a decision about an existing booking: its new state and its movements.
    static func save(_ decision: ReservationDecision, now: Int64, in tx: any SQLExecutor) async throws {
        let r = decision.reservation
        try await tx.query(
            """
            UPDATE reservations SET status = $1, end_ts = $2, total_cost = $3, refunded = $4, updated_at = $5,
                gpu_id = $7, price_per_hour = $8 WHERE id = $6
            """,
            [
                .text(r.status.rawValue), .int(r.end), .int(r.totalCost.micro), .int(r.refunded.micro), .int(now),
                .text(r.id), .text(r.gpuID), .int(r.pricePerHour.micro),
            ])
        try await post(decision.movements, in: tx)
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
            payee: payee, createdAt: try row.int("created_at"), clusterID: try row.optionalString("cluster_id"),
            substituteCeiling: try row.optionalInt("substitute_ceiling").map(USDC.init(micro:)))
    }
}

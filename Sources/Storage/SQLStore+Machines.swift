import Brokerage
import Ethereum
import Foundation

extension SQLStore: MachineStore {
    /// Due machines include those whose booking ended or was cancelled since their last
    /// check: they are released at once (a failed destroy, `releasing`, keeps its backoff).
    public func machineWork(providers: [String], now: Int64, limit: Int) async throws -> [MachineWork] {
        guard !providers.isEmpty else { return [] }
        // Bookings are matched to a provider by their payee (upstream:<provider>), which
        // stays when the offer leaves the market; the offer itself is joined when present.
        let payees = providers.map { LedgerAccount.earnings(user: "upstream:\($0)").key }
        let list = payees.indices.map { "$\($0 + 3)" }.joined(separator: ", ")
        let binds: [SQLValue] = [.int(now), .int(Int64(limit))] + payees.map { .text($0) }
        let fresh = try await db.query(
            """
            SELECT r.*, u.ssh_public_key, o.data, s.synced_at FROM reservations r
            JOIN users u ON u.id = r.user_id
            LEFT JOIN machines m ON m.reservation_id = r.id
            LEFT JOIN offers o ON o.id = r.gpu_id
            LEFT JOIN offer_syncs s ON s.provider = o.provider
            WHERE m.reservation_id IS NULL AND r.status = 'active'
              AND r.end_ts > $1 AND r.payee IN (\(list))
            ORDER BY r.start_ts, r.id LIMIT $2
            """, binds)
        let due = try await db.query(
            """
            SELECT r.*, u.ssh_public_key, o.data, s.synced_at, m.provider, m.offer_id, m.state, m.instance_id,
                m.connection, m.message, m.failure, m.attempts, m.next_check_at, m.since, m.restart_requested, m.restarts,
                m.created_at AS machine_created_at
            FROM machines m
            JOIN reservations r ON r.id = m.reservation_id
            JOIN users u ON u.id = r.user_id
            LEFT JOIN offers o ON o.id = r.gpu_id
            LEFT JOIN offer_syncs s ON s.provider = o.provider
            WHERE m.state IN ('provisioning', 'running', 'releasing') AND (m.next_check_at <= $1
                OR (m.state <> 'releasing' AND (r.status IN ('cancelled', 'completed') OR r.end_ts <= $1)))
            ORDER BY m.next_check_at, m.reservation_id LIMIT $2
            """, [.int(now), .int(Int64(limit))])
        return try fresh.map { row in
            let r = try Self.reservation(row)
            return MachineWork(
                machine: nil, reservation: r, provider: String(r.payee.owner.dropFirst("upstream:".count)),
                offer: try Self.optionalOffer(row), sshKey: try row.optionalString("ssh_public_key"))
        }
            + due.map { row in
                let m = try Self.machine(row, createdAt: "machine_created_at", id: "id")
                return MachineWork(
                    machine: m, reservation: try Self.reservation(row), provider: m.provider,
                    offer: try Self.optionalOffer(row), sshKey: try row.optionalString("ssh_public_key"))
            }
    }

    /// A decision that moves the booking to another offer (a substitute) throws
    /// `slotTaken` when that offer's hours are booked, and `insufficientFunds` when a
    /// dearer substitute's difference is not available; nothing is written then.
    public func save(_ decision: MachineDecision, basedOn reservation: Reservation, now: Int64) async throws -> Bool {
        try await db.transaction { tx in
            let current = try await Self.lockedReservation(id: reservation.id, in: tx)
            guard current == reservation else { return false }
            if let changed = decision.reservation {
                if changed.gpuID != current.gpuID {
                    // A substitute: its hours must be free (PostgreSQL's constraint agrees).
                    try await Self.ensureFree(
                        gpuID: changed.gpuID, from: changed.start, to: changed.end, except: changed.id, in: tx)
                }
                do {
                    try await Self.save(
                        ReservationDecision(reservation: changed, movements: decision.movements), now: now, in: tx)
                } catch let e as StorageError where e.isGuard("no_overlap") {
                    throw ReservationError.slotTaken
                }
            } else {
                try await Self.post(decision.movements, in: tx)
            }
            try await Self.upsert(decision.machine, now: now, in: tx)
            if let gpuID = decision.offerUnavailable {
                try await Self.withdraw(offer: gpuID, now: now, in: tx)
            }
            return true
        }
    }

    public func providerDelivery(since: Int64) async throws -> [ProviderID: ProviderDelivery] {
        let rows = try await db.query(
            """
            SELECT provider, failure, CASE WHEN connection IS NULL THEN 0 ELSE 1 END AS ran, COUNT(*) AS n
            FROM machines WHERE created_at >= $1 GROUP BY provider, failure, ran
            """, [.int(since)])
        var result: [ProviderID: ProviderDelivery] = [:]
        for row in rows {
            guard let provider = ProviderID(rawValue: try row.string("provider")) else { continue }
            result[provider, default: ProviderDelivery()].count(
                ran: try row.int("ran") == 1, failure: try row.optionalString("failure"),
                machines: Int(try row.int("n")))
        }
        return result
    }

    public func liveMachineCounts() async throws -> [String: Int] {
        let rows = try await db.query(
            "SELECT provider, COUNT(*) AS n FROM machines WHERE state IN ('provisioning', 'running', 'releasing') GROUP BY provider",
            [])
        return try rows.reduce(into: [:]) { $0[try $1.string("provider")] = Int(try $1.int("n")) }
    }

    public func requestRestart(reservationID: String, userID: String, now: Int64) async throws -> Machine {
        try await db.transaction { tx in
            let r = try await Self.lockedReservation(id: reservationID, in: tx)
            guard r.userID == userID,
                let row = try await tx.first("SELECT * FROM machines WHERE reservation_id = $1", [.text(reservationID)])
            else { throw ReservationError.notFound }
            let next = try MachineLifecycle.requestRestart(try Self.machine(row), reservation: r, by: userID, now: now)
            try await Self.upsert(next, now: now, in: tx)
            return next
        }
    }

    public func machine(reservationID: String) async throws -> Machine? {
        try await db.first("SELECT * FROM machines WHERE reservation_id = $1", [.text(reservationID)]).map {
            try Self.machine($0)
        }
    }

    public func machines(state: MachineState?, after: String?, limit: Int) async throws -> [Machine] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let state {
            binds.append(.text(state.rawValue))
            conditions.append("state = $\(binds.count)")
        }
        if let after {
            binds.append(.text(after))
            conditions.append("reservation_id < $\(binds.count)")
        }
        binds.append(.int(Int64(limit)))
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await db.query(
            "SELECT * FROM machines \(filter) ORDER BY reservation_id DESC LIMIT $\(binds.count)", binds
        ).map { try Self.machine($0) }
    }

    /// Marks an offer unavailable in its row and its JSON (the market index is built from
    /// the JSON). The digest is cleared, so the next sync writes whatever the provider then
    /// says about it.
    static func withdraw(offer id: String, now: Int64, in tx: any SQLExecutor) async throws {
        guard let row = try await tx.first("SELECT data FROM offers WHERE id = $1", [.text(id)]) else { return }
        var offer = try Self.offer(row)
        offer.available = false
        try await tx.query(
            "UPDATE offers SET available = $1, data = $2, digest = NULL, updated_at = $3 WHERE id = $4",
            [
                .bool(false), .text(String(decoding: try JSONEncoder.sorted.encode(offer), as: UTF8.self)), .int(now),
                .text(id),
            ])
    }

    static func upsert(_ m: Machine, now: Int64, in tx: any SQLExecutor) async throws {
        let connection = try m.connection.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
        try await tx.query(
            """
            INSERT INTO machines (reservation_id, provider, offer_id, state, instance_id, connection, message, failure,
                attempts, next_check_at, since, created_at, updated_at, restart_requested, restarts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (reservation_id) DO UPDATE SET state = excluded.state, instance_id = excluded.instance_id,
                connection = excluded.connection, message = excluded.message, failure = excluded.failure,
                attempts = excluded.attempts, next_check_at = excluded.next_check_at, since = excluded.since,
                updated_at = excluded.updated_at, offer_id = excluded.offer_id,
                restarts = excluded.restarts,
                -- A request made while the service held an older copy survives its write;
                -- only the write that made the restart clears it.
                restart_requested = CASE WHEN excluded.restarts > machines.restarts THEN FALSE
                    ELSE machines.restart_requested OR excluded.restart_requested END
            """,
            [
                .text(m.reservationID), .text(m.provider), .text(m.offerID), .text(m.state.rawValue),
                m.instanceID.map(SQLValue.text) ?? .null, connection.map(SQLValue.text) ?? .null,
                m.message.map(SQLValue.text) ?? .null, m.failure.map(SQLValue.text) ?? .null,
                .int(Int64(m.attempts)), .int(m.nextCheckAt), .int(m.since), .int(m.createdAt), .int(now),
                .bool(m.restartRequested), .int(Int64(m.restarts)),
            ])
    }

    /// `createdAt` and `id` name the columns when joined with the reservation's own.
    static func machine(_ row: SQLRow, createdAt: String = "created_at", id: String = "reservation_id") throws
        -> Machine
    {
        guard let state = MachineState(rawValue: try row.string("state")) else {
            throw StorageError.decoding(column: "state")
        }
        let connection = try row.optionalString("connection").map {
            try JSONDecoder().decode(MachineConnection.self, from: Data($0.utf8))
        }
        return Machine(
            reservationID: try row.string(id), provider: try row.string("provider"),
            offerID: try row.string("offer_id"), state: state, instanceID: try row.optionalString("instance_id"),
            connection: connection, message: try row.optionalString("message"),
            failure: try row.optionalString("failure"), attempts: Int(try row.int("attempts")),
            restartRequested: try row.bool("restart_requested"), restarts: Int(try row.int("restarts")),
            nextCheckAt: try row.int("next_check_at"), since: try row.int("since"),
            createdAt: try row.int(createdAt))
    }

    static func optionalOffer(_ row: SQLRow) throws -> Offer? {
        try row.optionalString("data") == nil ? nil : try syncedOffer(row)
    }
}

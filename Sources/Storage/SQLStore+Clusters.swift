import Brokerage
import Ethereum
import Foundation

extension SQLStore: ClusterStore {
    public func createCluster(id: String, userID: String, plan: ClusterPlan, start: Int64, now: Int64) async throws
        -> Cluster
    {
        // Its members' hours can collide with a booking at the exclusion constraint, which
        // may abort one of the two as a deadlock: run again, it gets a plain answer.
        try await db.transaction(retryingConflicts: Self.conflictAttempts) { tx in
            let ids = plan.members.map(\.candidate.id)
            var offers: [String: Offer] = [:]
            var owners: [String: String] = [:]
            for row in try await tx.query(
                """
                SELECT o.data, p.owner_id FROM offers o LEFT JOIN provider_gpus p ON p.id = o.id
                WHERE o.id IN \(Self.placeholders(ids.count))
                """, ids.map { .text($0) })
            {
                let offer = try Self.offer(row)
                offers[offer.id] = offer
                owners[offer.id] = try row.optionalString("owner_id")
            }
            let decision = try ClusterLifecycle.create(
                id: id, userID: userID, plan: plan, start: start, now: now, offers: offers, owners: owners)
            let c = decision.cluster
            try await tx.query(
                """
                INSERT INTO clusters (id, user_id, job_name, status, hours, hourly_price, total_cost, start_ts, end_ts, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
                """,
                [
                    .text(c.id), .text(c.userID), .text(c.jobName), .text(c.status.rawValue), .int(Int64(c.hours)),
                    .int(c.hourlyPrice.micro), .int(c.totalCost.micro), .int(c.start), .int(c.end), .int(c.createdAt),
                ])
            for (position, (member, booking)) in zip(c.members, decision.newBookings).enumerated() {
                do {
                    try await Self.ensureFree(
                        gpuID: booking.gpuID, from: booking.start, to: booking.end, except: nil, in: tx)
                    try await tx.query(
                        """
                        INSERT INTO reservations (id, user_id, gpu_id, start_ts, end_ts, price_per_hour, total_cost, status, refunded, payee, created_at, updated_at, cluster_id)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $10, $11)
                        """,
                        [
                            .text(booking.id), .text(booking.userID), .text(booking.gpuID), .int(booking.start),
                            .int(booking.end), .int(booking.pricePerHour.micro), .int(booking.totalCost.micro),
                            .text(booking.status.rawValue), .text(booking.payee.key), .int(booking.createdAt),
                            .text(c.id),
                        ])
                } catch ReservationError.slotTaken {
                    throw ClusterError.slotTaken(gpuID: booking.gpuID)
                } catch let e as StorageError where e.isGuard("no_overlap") {
                    throw ClusterError.slotTaken(gpuID: booking.gpuID)
                }
                try await tx.query(
                    """
                    INSERT INTO cluster_members (cluster_id, position, gpu_id, provider, model, gpu_count, perf_milli, throughput_milli, price_per_hour, payee, reservation_id)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    """,
                    [
                        .text(c.id), .int(Int64(position)), .text(member.gpuID), .text(member.provider),
                        .text(member.model), .int(Int64(member.gpuCount)), .int(member.perfScore.milli),
                        .int(member.throughput.milli), .int(member.pricePerHour.micro), .text(member.payee.key),
                        .text(member.reservationID),
                    ])
            }
            try await Self.post(decision.movements, in: tx)
            return c
        }
    }

    public func cluster(id: String) async throws -> Cluster? {
        guard let row = try await db.first("SELECT * FROM clusters WHERE id = $1", [.text(id)]) else { return nil }
        return try await Self.cluster(row, in: db)
    }

    public func clusters(userID: String, after: String?, limit: Int) async throws -> [Cluster] {
        let rows: [SQLRow]
        if let after,
            let cursor = try await db.first(
                "SELECT created_at FROM clusters WHERE id = $1 AND user_id = $2", [.text(after), .text(userID)])
        {
            rows = try await db.query(
                """
                SELECT * FROM clusters WHERE user_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3))
                ORDER BY created_at DESC, id DESC LIMIT $4
                """, [.text(userID), .int(try cursor.int("created_at")), .text(after), .int(Int64(limit))])
        } else {
            rows = try await db.query(
                "SELECT * FROM clusters WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                [.text(userID), .int(Int64(limit))])
        }
        var out: [Cluster] = []
        for row in rows { out.append(try await Self.cluster(row, in: db)) }
        return out
    }

    public func startCluster(id: String, now: Int64) async throws -> Cluster {
        try await db.transaction { tx in
            let decision = try ClusterLifecycle.start(try await Self.lockedCluster(id: id, in: tx), now: now)
            try await Self.save(decision, now: now, in: tx)
            return decision.cluster
        }
    }

    public func finishCluster(id: String, outcome: Cluster.Status, now: Int64, fee: PlatformFee) async throws -> Cluster
    {
        try await db.transaction { tx in
            let decision = try ClusterLifecycle.finish(
                try await Self.lockedCluster(id: id, in: tx), outcome: outcome, now: now, fee: fee)
            try await Self.save(decision, now: now, in: tx)
            return decision.cluster
        }
    }

    public func bookedGPUs(from: Int64, to: Int64) async throws -> Set<String> {
        Set(
            try await db.query(
                "SELECT DISTINCT gpu_id FROM reservations WHERE status IN ('confirmed', 'active') AND start_ts < $2 AND end_ts > $1",
                [.int(from), .int(to)]
            ).map { try $0.string("gpu_id") })
    }

    // MARK: - Helpers

    /// Writes a decision about an existing cluster: its new state, its live member
    /// bookings' new status, and its movements.
    static func save(_ decision: ClusterDecision, now: Int64, in tx: any SQLExecutor) async throws {
        let c = decision.cluster
        try await tx.query(
            """
            UPDATE clusters SET status = $1, started_at = $2, finished_at = $3, charged = $4, refunded = $5, updated_at = $6
            WHERE id = $7
            """,
            [
                .text(c.status.rawValue), c.startedAt.map { .int($0) } ?? .null, c.finishedAt.map { .int($0) } ?? .null,
                .int(c.charged.micro), .int(c.refunded.micro), .int(now), .text(c.id),
            ])
        if let status = decision.memberBookingStatus {
            try await tx.query(
                """
                UPDATE reservations SET status = $1, updated_at = $2
                WHERE cluster_id = $3 AND status IN ('confirmed', 'active') AND status <> $1
                """,
                [.text(status.rawValue), .int(now), .text(c.id)])
        }
        try await post(decision.movements, in: tx)
    }

    static func lockedCluster(id: String, in tx: any SQLExecutor) async throws -> Cluster {
        let lock = tx.dialect == .postgres ? " FOR UPDATE" : ""
        guard let row = try await tx.first("SELECT * FROM clusters WHERE id = $1\(lock)", [.text(id)]) else {
            throw ClusterError.notFound
        }
        return try await cluster(row, in: tx)
    }

    static func cluster(_ row: SQLRow, in executor: any SQLExecutor) async throws -> Cluster {
        let id = try row.string("id")
        guard let status = Cluster.Status(rawValue: try row.string("status")) else {
            throw StorageError.decoding(column: "status")
        }
        let members = try await executor.query(
            "SELECT * FROM cluster_members WHERE cluster_id = $1 ORDER BY position", [.text(id)]
        ).map { m in
            guard let payee = LedgerAccount(key: try m.string("payee")) else {
                throw StorageError.decoding(column: "payee")
            }
            return Cluster.Member(
                gpuID: try m.string("gpu_id"), provider: try m.string("provider"), model: try m.string("model"),
                gpuCount: Int(try m.int("gpu_count")), perfScore: PerfScore(milli: try m.int("perf_milli")),
                throughput: PerfScore(milli: try m.int("throughput_milli")),
                pricePerHour: USDC(micro: try m.int("price_per_hour")),
                payee: payee, reservationID: try m.string("reservation_id"))
        }
        return Cluster(
            id: id, userID: try row.string("user_id"), jobName: try row.string("job_name"), status: status,
            members: members,
            hours: Int(try row.int("hours")), hourlyPrice: USDC(micro: try row.int("hourly_price")),
            totalCost: USDC(micro: try row.int("total_cost")), start: try row.int("start_ts"),
            end: try row.int("end_ts"),
            startedAt: try row.optionalInt("started_at"), finishedAt: try row.optionalInt("finished_at"),
            charged: USDC(micro: try row.int("charged")), refunded: USDC(micro: try row.int("refunded")),
            createdAt: try row.int("created_at"))
    }
}

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
            let end = start + Int64(plan.estimatedHours) * 3600
            // Each member's booking carries its gross share, so the calendar and the
            // member rows say what the member's hours cost.
            let shares = try plan.split(plan.totalCost)
            try await tx.query(
                """
                INSERT INTO clusters (id, user_id, job_name, status, hours, hourly_price, total_cost, start_ts, end_ts, created_at, updated_at)
                VALUES ($1, $2, $3, 'held', $4, $5, $6, $7, $8, $9, $9)
                """,
                [
                    .text(id), .text(userID), .text(plan.jobName), .int(Int64(plan.estimatedHours)),
                    .int(plan.hourlyPrice.micro),
                    .int(plan.totalCost.micro), .int(start), .int(end), .int(now),
                ])
            var members: [Cluster.Member] = []
            for (position, planned) in plan.members.enumerated() {
                let c = planned.candidate
                guard let row = try await tx.first("SELECT data FROM offers WHERE id = $1", [.text(c.id)]) else {
                    throw ClusterError.offerChanged(gpuID: c.id)
                }
                let offer = try Self.offer(row)
                guard offer.available, offer.pricePerHour == c.pricePerHour, offer.gpuCount == c.gpuCount else {
                    throw ClusterError.offerChanged(gpuID: c.id)
                }
                let member = Cluster.Member(
                    gpuID: c.id, provider: c.provider, model: c.model, gpuCount: c.gpuCount, perfScore: c.perfScore,
                    throughput: planned.throughput, pricePerHour: c.pricePerHour,
                    payee: try await Self.payee(of: offer, in: tx),
                    reservationID: "\(id)-\(position)")
                do {
                    try await Self.ensureFree(gpuID: c.id, from: start, to: end, except: nil, in: tx)
                    try await tx.query(
                        """
                        INSERT INTO reservations (id, user_id, gpu_id, start_ts, end_ts, price_per_hour, total_cost, status, refunded, payee, created_at, updated_at, cluster_id)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, 'confirmed', 0, $8, $9, $9, $10)
                        """,
                        [
                            .text(member.reservationID), .text(userID), .text(c.id), .int(start), .int(end),
                            .int(c.pricePerHour.micro),
                            .int(shares[position].micro), .text(member.payee.key), .int(now), .text(id),
                        ])
                } catch ReservationError.slotTaken {
                    throw ClusterError.slotTaken(gpuID: c.id)
                } catch let e as StorageError where e.isGuard("no_overlap") {
                    throw ClusterError.slotTaken(gpuID: c.id)
                }
                try await tx.query(
                    """
                    INSERT INTO cluster_members (cluster_id, position, gpu_id, provider, model, gpu_count, perf_milli, throughput_milli, price_per_hour, payee, reservation_id)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    """,
                    [
                        .text(id), .int(Int64(position)), .text(c.id), .text(c.provider), .text(c.model),
                        .int(Int64(c.gpuCount)),
                        .int(c.perfScore.milli), .int(planned.throughput.milli), .int(c.pricePerHour.micro),
                        .text(member.payee.key),
                        .text(member.reservationID),
                    ])
                members.append(member)
            }
            if plan.totalCost > .zero {
                try await Self.post(
                    try .transfer(
                        id: "cluster-hold:\(id)", kind: .clusterHold, amount: plan.totalCost,
                        from: .available(user: userID),
                        to: .held(user: userID), references: ["cluster": id], createdAt: now),
                    in: tx)
            }
            return Cluster(
                id: id, userID: userID, jobName: plan.jobName, status: .held, members: members,
                hours: plan.estimatedHours,
                hourlyPrice: plan.hourlyPrice, totalCost: plan.totalCost, start: start, end: end, createdAt: now)
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
            var c = try await Self.lockedCluster(id: id, in: tx)
            guard c.status.canMove(to: .running) else {
                throw ClusterError.invalidTransition(from: c.status, to: .running)
            }
            try await tx.query(
                "UPDATE clusters SET status = 'running', started_at = $1, updated_at = $1 WHERE id = $2",
                [.int(now), .text(id)])
            try await tx.query(
                "UPDATE reservations SET status = 'active', updated_at = $1 WHERE cluster_id = $2 AND status = 'confirmed'",
                [.int(now), .text(id)])
            c.status = .running
            c.startedAt = now
            return c
        }
    }

    public func finishCluster(id: String, outcome: Cluster.Status, now: Int64, fee: PlatformFee) async throws -> Cluster
    {
        try await db.transaction { tx in
            var c = try await Self.lockedCluster(id: id, in: tx)
            guard outcome == .completed || outcome == .failed, c.status.canMove(to: outcome) else {
                throw ClusterError.invalidTransition(from: c.status, to: outcome)
            }
            let s = try ClusterSettlement(cluster: c, outcome: outcome, now: now, fee: fee)
            let held = LedgerAccount.held(user: c.userID)
            if s.refund > .zero {
                try await Self.post(
                    try .transfer(
                        id: "cluster-refund:\(id)", kind: .clusterRefund, amount: s.refund, from: held,
                        to: .available(user: c.userID),
                        references: ["cluster": id], createdAt: now),
                    in: tx)
            }
            if s.charged > .zero {
                var credits: [LedgerAccount: USDC] = [:]
                if s.fee > .zero { credits[.revenue] = s.fee }
                for (member, payout) in zip(c.members, s.payouts) where payout > .zero {
                    credits[member.payee] = try (credits[member.payee] ?? .zero).adding(payout)
                }
                let entries =
                    [LedgerTransaction.Entry(held, -s.charged)]
                    + credits.sorted { $0.key.key < $1.key.key }.map { LedgerTransaction.Entry($0.key, $0.value) }
                try await Self.post(
                    try LedgerTransaction(
                        id: "cluster-charge:\(id)", kind: .clusterCharge, entries: entries, references: ["cluster": id],
                        createdAt: now),
                    in: tx)
            }
            // Completed or failed, the members' remaining hours are free again.
            let bookingStatus = outcome == .completed ? Reservation.Status.completed : .cancelled
            try await tx.query(
                "UPDATE reservations SET status = $1, updated_at = $2 WHERE cluster_id = $3 AND status IN ('confirmed', 'active')",
                [.text(bookingStatus.rawValue), .int(now), .text(id)])
            try await tx.query(
                "UPDATE clusters SET status = $1, finished_at = $2, charged = $3, refunded = $4, updated_at = $2 WHERE id = $5",
                [.text(outcome.rawValue), .int(now), .int(s.charged.micro), .int(s.refund.micro), .text(id)])
            c.status = outcome
            c.finishedAt = now
            c.charged = s.charged
            c.refunded = s.refund
            return c
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

import Ethereum

/// A cluster's money and state changes, decided from the stored facts:
/// `held → running → completed | failed`, and `held → failed`. The store reads the
/// cluster (locked) or the member offers as they are now, calls one of these, and writes
/// what it returns; the payout and refund rule itself is ``ClusterSettlement``.
public enum ClusterLifecycle {
    /// A new `held` cluster from `plan`, starting at `start`: every member offer must still
    /// be open at the planned price and size (`offers` as read now, by id; `owners` names
    /// the owner of each GP4U listing among them), each member books the cluster's hours
    /// for its gross share of the cost, and the whole cost moves from available to held.
    public static func create(
        id: String, userID: String, plan: ClusterPlan, start: Int64, now: Int64, offers: [String: Offer],
        owners: [String: String]
    ) throws -> ClusterDecision {
        let end = start + Int64(plan.estimatedHours) * 3600
        // Each member's booking carries its gross share, so the calendar and the member
        // rows say what the member's hours cost.
        let shares = try plan.split(plan.totalCost)
        var members: [Cluster.Member] = []
        var bookings: [Reservation] = []
        for (position, planned) in plan.members.enumerated() {
            let c = planned.candidate
            guard let offer = offers[c.id], offer.available, offer.pricePerHour == c.pricePerHour,
                offer.gpuCount == c.gpuCount
            else { throw ClusterError.offerChanged(gpuID: c.id) }
            let terms = BookingTerms(
                provider: offer.provider.rawValue, pricePerHour: offer.pricePerHour, available: offer.available,
                owner: owners[c.id])
            let member = Cluster.Member(
                gpuID: c.id, provider: c.provider, model: c.model, gpuCount: c.gpuCount, perfScore: c.perfScore,
                throughput: planned.throughput, pricePerHour: c.pricePerHour, payee: try terms.payee(),
                reservationID: "\(id)-\(position)")
            members.append(member)
            bookings.append(
                Reservation(
                    id: member.reservationID, userID: userID, gpuID: c.id, start: start, end: end,
                    pricePerHour: c.pricePerHour, totalCost: shares[position], status: .confirmed, payee: member.payee,
                    createdAt: now, clusterID: id))
        }
        let cluster = Cluster(
            id: id, userID: userID, jobName: plan.jobName, status: .held, members: members, hours: plan.estimatedHours,
            hourlyPrice: plan.hourlyPrice, totalCost: plan.totalCost, start: start, end: end, createdAt: now)
        let hold =
            plan.totalCost > .zero
            ? [
                try LedgerTransaction.transfer(
                    id: "cluster-hold:\(id)", kind: .clusterHold, amount: plan.totalCost,
                    from: .available(user: userID),
                    to: .held(user: userID), references: ["cluster": id], createdAt: now)
            ] : []
        return ClusterDecision(cluster: cluster, newBookings: bookings, movements: hold)
    }

    /// `held → running`: the settlement clock starts and the member bookings go active.
    public static func start(_ c: Cluster, now: Int64) throws(ClusterError) -> ClusterDecision {
        guard c.status.canMove(to: .running) else { throw .invalidTransition(from: c.status, to: .running) }
        var next = c
        next.status = .running
        next.startedAt = now
        return ClusterDecision(cluster: next, memberBookingStatus: .active)
    }

    /// `running → completed` or `held | running → failed`: the hold is settled by
    /// ``ClusterSettlement`` (refund to the renter; the charged part's fee to revenue and
    /// the rest to the members' payees, one entry per payee), and the members' remaining
    /// hours are freed.
    public static func finish(_ c: Cluster, outcome: Cluster.Status, now: Int64, fee: PlatformFee) throws
        -> ClusterDecision
    {
        guard outcome == .completed || outcome == .failed, c.status.canMove(to: outcome) else {
            throw ClusterError.invalidTransition(from: c.status, to: outcome)
        }
        let s = try ClusterSettlement(cluster: c, outcome: outcome, now: now, fee: fee)
        let held = LedgerAccount.held(user: c.userID)
        var movements: [LedgerTransaction] = []
        if s.refund > .zero {
            movements.append(
                try .transfer(
                    id: "cluster-refund:\(c.id)", kind: .clusterRefund, amount: s.refund, from: held,
                    to: .available(user: c.userID), references: ["cluster": c.id], createdAt: now))
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
            movements.append(
                try LedgerTransaction(
                    id: "cluster-charge:\(c.id)", kind: .clusterCharge, entries: entries, references: ["cluster": c.id],
                    createdAt: now))
        }
        var next = c
        next.status = outcome
        next.finishedAt = now
        next.charged = s.charged
        next.refunded = s.refund
        return ClusterDecision(
            cluster: next, memberBookingStatus: outcome == .completed ? .completed : .cancelled, movements: movements)
    }
}

import Ethereum
import Timekeeping

/// Every step of a booking's machine, decided from the stored machine, its reservation
/// and one provider answer: what to call next, when to look again, and the money that
/// moves when the provider fails the renter. The provisioning service only makes the
/// calls and stores the decisions, so each rule is tested here as a plain function.
///
/// Never two machines per booking: every rental starts with a `find` by label (the
/// reservation id) and adopts what it finds, so a crash between the provider's answer
/// and our write cannot rent twice; destroy is idempotent (gone counts as destroyed).
///
/// Money: only active bookings get machines, so their hold is already captured (fee to
/// revenue, the rest to the upstream provider's earnings). A failed rental reverses the
/// whole capture (the booking becomes cancelled, refunded in full); a machine that dies
/// while booked reverses the unused whole hours (the booking completes early). A
/// cluster's member bookings hold no money of their own (the cluster's settlement pays
/// and refunds), so their failures move none: the member's machine says so.
public enum MachineLifecycle {
    public struct Settings: Sendable, Hashable {
        /// Docker image rented machines start from (`GP4U_DEFAULT_IMAGE`).
        public var image: String
        public var diskGB: Int
        /// Seconds between polls while a machine starts (Vast advises about 10 s).
        public var poll: Int64
        /// Seconds between health checks of a running machine.
        public var health: Int64
        /// How long a machine may take to start before the rental is given up.
        public var provisionTimeout: Int64
        /// The longest wait after failed calls (the backoff doubles up to it).
        public var maxBackoff: Int64

        public init(
            image: String, diskGB: Int = 40, poll: Int64 = 10, health: Int64 = 60, provisionTimeout: Int64 = 1800,
            maxBackoff: Int64 = 300
        ) {
            self.image = image
            self.diskGB = diskGB
            self.poll = poll
            self.health = health
            self.provisionTimeout = provisionTimeout
            self.maxBackoff = maxBackoff
        }
    }

    /// The machine of an active booking that has none yet. A booking of a generated
    /// sample offer (simulated money) gets none: it is recorded as released at once.
    public static func begin(_ r: Reservation, provider: String, offer: Offer?, now: Int64) -> Machine {
        let offerID = offer?.externalID ?? String(r.gpuID.dropFirst(provider.count + 1))
        var m = Machine(
            reservationID: r.id, provider: provider, offerID: offerID, state: .provisioning,
            message: "renting the machine", nextCheckAt: now, since: now, createdAt: now)
        if offer?.source == .sample {
            m.state = .released
            m.message = "sample offer: no machine is rented for a booking with simulated money"
        }
        return m
    }

    /// The call to make for `m` now, or nil when nothing is due. A booking that ended or
    /// was cancelled is released at once, not at the next health check.
    public static func next(_ m: Machine, reservation r: Reservation, now: Int64) -> MachineAction? {
        let releaseNow = m.state != .releasing && wantsRelease(m, r, now: now)
        guard m.state.isLive, m.nextCheckAt <= now || releaseNow else { return nil }
        guard let id = m.instanceID else { return .find(label: r.id) }
        if wantsRelease(m, r, now: now) { return .destroy(instanceID: id) }
        return m.restartRequested && m.state == .running ? .restart(instanceID: id) : .poll(instanceID: id)
    }

    /// The renter asks to restart their machine (when it hangs): once per booking, while it
    /// runs. A machine the provider reports dead is refunded instead (see `died`).
    public static func requestRestart(_ m: Machine, reservation r: Reservation, by userID: String, now: Int64)
        throws(ReservationError) -> Machine
    {
        guard r.userID == userID else { throw .notFound }
        guard m.state == .running, !m.restartRequested else {
            throw .notAllowed("only a running machine can be restarted (this one is \(m.state.rawValue))")
        }
        guard m.restarts == 0 else { throw .notAllowed("this machine was restarted once already") }
        var next = m
        next.restartRequested = true
        next.message = "restart requested"
        next.nextCheckAt = now
        return next
    }

    /// What `outcome` (the answer to `action`) does to `m`.
    public static func apply(
        _ outcome: MachineOutcome, of action: MachineAction, to m: Machine, reservation r: Reservation,
        sshKey: String?, settings: Settings, fee: PlatformFee, now: Int64
    ) throws -> MachineDecision {
        var next = m
        next.attempts = 0
        switch (action, outcome) {
        case (_, .transient(let why)):
            next.attempts = m.attempts + 1
            next.nextCheckAt = now + backoff(attempts: next.attempts, settings)
            if case .destroy = action { enter(.releasing, &next, now) }
            if m.state == .provisioning, m.instanceID == nil, now - m.since >= settings.provisionTimeout {
                return try fail(
                    next, r, reason: "provider_unreachable", "the provider could not be reached (\(why))", fee, now)
            }
            return MachineDecision(machine: next)

        case (.find, .found(nil)):
            if wantsRelease(m, r, now: now) { return MachineDecision(machine: finished(next, now)) }
            let request = MachineRequest(
                offerID: m.offerID, label: r.id, image: settings.image, diskGB: settings.diskGB, sshPublicKey: sshKey)
            return MachineDecision(machine: next, followUp: .create(request))

        case (.find, .found(let instance?)):
            next.instanceID = instance.id
            return try apply(
                .observed(instance), of: .poll(instanceID: instance.id), to: next, reservation: r, sshKey: sshKey,
                settings: settings, fee: fee, now: now)

        case (.create, .created(let id)):
            next.instanceID = id
            next.message = "rented; the machine is starting"
            next.nextCheckAt = now + settings.poll
            return MachineDecision(machine: next)

        case (.create, .refused(.offerGone)) where r.substituteCeiling != nil && r.clusterID == nil:
            next.message =
                "the offer was taken at the provider; looking for the same GPU at up to \(r.substituteCeiling!) an hour"
            next.nextCheckAt = now
            return MachineDecision(machine: next, offerUnavailable: r.gpuID, wantsSubstitute: true)

        case (.create, .refused(let refusal)):
            let decision = try fail(next, r, reason: refusal.rawValue, refusal.message, fee, now)
            guard refusal == .offerGone else { return decision }
            var marked = decision
            marked.offerUnavailable = r.gpuID
            return marked

        case (.poll, .observed(nil)):
            next.nextCheckAt = now
            if wantsRelease(m, r, now: now) { return MachineDecision(machine: finished(next, now)) }
            if m.state == .provisioning {
                var failed = try fail(
                    next, r, reason: "instance_lost", "the provider lost the machine while it started", fee, now)
                failed.machine = finished(failed.machine, now)
                failed.followUp = nil
                return failed
            }
            var died = try self.died(next, r, why: "was removed by the provider", fee, now)
            died.machine = finished(died.machine, now)
            died.followUp = nil
            return died

        case (.poll, .observed(let instance?)):
            if wantsRelease(m, r, now: now) {
                return MachineDecision(machine: next, followUp: .destroy(instanceID: instance.id))
            }
            switch instance.status {
            case .running where instance.connection != nil:
                if m.state == .provisioning {
                    enter(.running, &next, now)
                    next.message = "running"
                }
                next.connection = instance.connection
                next.nextCheckAt = now + settings.health
                return MachineDecision(machine: next)
            case .starting, .running:
                guard m.state == .running || now - m.since < settings.provisionTimeout else {
                    return try fail(next, r, reason: "start_timeout", "the machine did not start in time", fee, now)
                }
                next.nextCheckAt = now + (m.state == .running ? settings.health : settings.poll)
                return MachineDecision(machine: next)
            case .stopped:
                return try gone(next, r, status: "stopped", fee, now)
            case .dead(let status):
                return try gone(next, r, status: status, fee, now)
            }

        case (.restart, .restarted):
            next.restartRequested = false
            next.restarts = m.restarts + 1
            next.message = "restarting"
            next.nextCheckAt = now + settings.poll
            return MachineDecision(machine: next)

        case (.restart, .observed(nil)):
            return try apply(
                .observed(nil), of: .poll(instanceID: m.instanceID ?? ""), to: m, reservation: r, sshKey: sshKey,
                settings: settings, fee: fee, now: now)

        case (.destroy, .destroyed), (.destroy, .observed(nil)):
            return MachineDecision(machine: finished(next, now))

        default:
            // An answer that does not fit the call: look again on the next round.
            next.nextCheckAt = now + settings.poll
            return MachineDecision(machine: next)
        }
    }

    /// The booking's offer is gone and it accepts a substitute: the cheapest live, open
    /// offer of the same `model` from the same provider at no more than the ceiling is
    /// rented instead (the store refuses one whose hours are booked; the service then
    /// asks again without it). The booking moves to that offer at its price: a cheaper one
    /// gives the difference back, a dearer one (within the ceiling) takes it from the
    /// renter's available balance. With none, the rental fails and is refunded in full.
    public static func substitute(
        _ m: Machine, reservation r: Reservation, model: String?, candidates: [Offer], fee: PlatformFee, now: Int64
    ) throws -> MachineDecision {
        let ceiling = r.substituteCeiling ?? .zero
        let pick = candidates.filter {
            $0.model.id == model && $0.provider.rawValue == m.provider && $0.available && $0.source == .live
                && $0.id != r.gpuID && $0.pricePerHour <= ceiling
        }.min { ($0.pricePerHour, $0.id) < ($1.pricePerHour, $1.id) }
        guard let offer = pick, model != nil, r.status == .active else {
            return try fail(
                m, r, reason: ProvisionRefusal.offerGone.rawValue,
                "the offer is no longer available at the provider and no \(model ?? "such GPU") is offered at or under \(ceiling) an hour",
                fee, now)
        }
        var booking = r
        booking.gpuID = offer.id
        booking.pricePerHour = offer.pricePerHour
        booking.totalCost = try offer.pricePerHour.multiplied(by: r.hours)
        var movements: [LedgerTransaction] = []
        if booking.totalCost < r.totalCost {
            movements = try reversal(
                r, amount: try r.totalCost.subtracting(booking.totalCost), id: "substitute-refund:\(r.id)", fee: fee,
                now: now)
        } else if booking.totalCost > r.totalCost {
            let extra = try booking.totalCost.subtracting(r.totalCost)
            let (platform, payee) = fee.split(extra)
            var entries = [LedgerTransaction.Entry(.available(user: r.userID), -extra)]
            if platform > .zero { entries.append(.init(.revenue, platform)) }
            if payee > .zero { entries.append(.init(r.payee, payee)) }
            movements = [
                try LedgerTransaction(
                    id: "substitute-charge:\(r.id)", kind: .reservationCapture, entries: entries,
                    references: ["reservation": r.id], createdAt: now)
            ]
        }
        var next = m
        next.offerID = offer.externalID
        next.message =
            "the offer was taken; renting the same \(offer.model.name) (\(offer.id)) at \(offer.pricePerHour) an hour instead"
        next.nextCheckAt = now
        return MachineDecision(
            machine: next, reservation: booking, movements: movements, followUp: .find(label: r.id))
    }

    /// Whether the booking no longer wants its machine.
    static func wantsRelease(_ m: Machine, _ r: Reservation, now: Int64) -> Bool {
        m.state == .releasing || r.status == .cancelled || r.status == .completed || r.end <= now
    }

    static func backoff(attempts: Int, _ settings: Settings) -> Int64 {
        let doubled = settings.poll << Int64(min(attempts, 20))
        return min(doubled, settings.maxBackoff)
    }

    static func enter(_ state: MachineState, _ m: inout Machine, _ now: Int64) {
        guard m.state != state else { return }
        m.state = state
        m.since = now
    }

    /// Nothing is left at the provider. A machine that never ran (no connection was ever
    /// stored) and failed ends as `provision_failed`; everything else as `released`.
    static func finished(_ m: Machine, _ now: Int64) -> Machine {
        var done = m
        enter(m.failure != nil && m.connection == nil ? .provisionFailed : .released, &done, now)
        done.nextCheckAt = now
        if done.state == .released, m.failure == nil { done.message = "released" }
        return done
    }

    /// The instance stopped or died: a failed start if it never ran, else an early end.
    static func gone(_ m: Machine, _ r: Reservation, status: String, _ fee: PlatformFee, _ now: Int64) throws
        -> MachineDecision
    {
        if m.state == .provisioning {
            return try fail(m, r, reason: "instance_\(status)", "the machine failed to start (\(status))", fee, now)
        }
        return try died(m, r, why: "stopped (\(status))", fee, now)
    }

    /// The rental failed: the booking is cancelled and refunded in full, and whatever
    /// may exist at the provider is released.
    static func fail(
        _ m: Machine, _ r: Reservation, reason: String, _ message: String, _ fee: PlatformFee, _ now: Int64
    ) throws -> MachineDecision {
        var next = m
        next.failure = reason
        next.message = "\(message); the booking was cancelled and refunded in full"
        next.nextCheckAt = now
        var booking = r
        var movements: [LedgerTransaction] = []
        if r.clusterID != nil {
            next.message = "\(message); fail the cluster for its refund by the settlement rule"
        } else if r.status == .active {
            let amount = try r.totalCost.subtracting(r.refunded)
            movements = try reversal(r, amount: amount, id: "machine-refund:\(r.id)", fee: fee, now: now)
            booking.status = .cancelled
            booking.refunded = r.totalCost
        }
        enter(.releasing, &next, now)
        let followUp: MachineAction = m.instanceID.map { .destroy(instanceID: $0) } ?? .find(label: r.id)
        return MachineDecision(
            machine: next, reservation: booking == r ? nil : booking, movements: movements, followUp: followUp)
    }

    /// A running machine died while booked: the unused whole hours (from the next hour
    /// on) are refunded and the booking completes now; the instance is released.
    static func died(_ m: Machine, _ r: Reservation, why: String, _ fee: PlatformFee, _ now: Int64) throws
        -> MachineDecision
    {
        var next = m
        let nextHour =
            now % ReservationPolicy.hour == 0 ? now : now - now % ReservationPolicy.hour + ReservationPolicy.hour
        let unused = max(0, (r.end - nextHour) / ReservationPolicy.hour)
        let amount = try r.pricePerHour.multiplied(by: unused)
        var booking = r
        var movements: [LedgerTransaction] = []
        if r.status == .active, r.clusterID == nil {
            movements = try reversal(r, amount: amount, id: "machine-refund:\(r.id)", fee: fee, now: now)
            booking.status = .completed
            booking.refunded = try r.refunded.adding(amount)
        }
        next.failure = "instance_died"
        next.message =
            r.clusterID == nil
            ? "the machine \(why) at \(RFC3339.format(now)); \(unused) unused hour(s) refunded"
            : "the machine \(why) at \(RFC3339.format(now)); fail the cluster for its refund by the settlement rule"
        next.nextCheckAt = now
        enter(.releasing, &next, now)
        return MachineDecision(
            machine: next, reservation: booking == r ? nil : booking, movements: movements,
            followUp: m.instanceID.map { .destroy(instanceID: $0) })
    }

    /// Gives `amount` of a captured booking back to the renter: out of revenue and the
    /// payee in the capture's split, into the renter's available balance.
    static func reversal(_ r: Reservation, amount: USDC, id: String, fee: PlatformFee, now: Int64) throws
        -> [LedgerTransaction]
    {
        guard amount > .zero else { return [] }
        let (platform, payee) = fee.split(amount)
        var entries = [LedgerTransaction.Entry(.available(user: r.userID), amount)]
        if platform > .zero { entries.append(.init(.revenue, -platform)) }
        if payee > .zero { entries.append(.init(r.payee, -payee)) }
        return [
            try LedgerTransaction(
                id: id, kind: .machineRefund, entries: entries,
                references: ["reservation": r.id], createdAt: now)
        ]
    }
}

extension ProvisionRefusal {
    var message: String {
        switch self {
        case .offerGone: "the offer is no longer available at the provider"
        case .noCredit: "the provider refused the rental (platform account out of credit)"
        case .rejected: "the provider refused the rental"
        }
    }
}

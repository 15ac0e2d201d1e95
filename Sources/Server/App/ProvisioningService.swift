import Brokerage
import Logging
import Metrics
import ServiceLifecycle
import Storage
import Timekeeping

/// Carries out ``MachineLifecycle``: each round it reads the bookings that need a
/// provider call (machines to rent, poll or release), makes the call the lifecycle asks
/// for, and stores each decision before the next call, so a crash at any point resumes
/// from what is stored (a rental is always preceded by a find by label). On PostgreSQL it
/// runs under a lease, so one replica talks to the providers.
struct ProvisioningService: Service {
    let store: SQLStore
    let providers: [String: any MachineProvider]
    let settings: MachineLifecycle.Settings
    let fee: PlatformFee
    let interval: Duration
    let clock: any TimeSource
    /// Called after an offer was marked unavailable, to refresh the market index.
    let offerWithdrawn: @Sendable () async -> Void
    /// The market's current offers, where a substitute for a gone offer is looked for.
    let marketOffers: @Sendable () -> [Offer]
    let logger: Logger
    private let errors = Counter(label: "gp4u_provisioning_errors_total")

    static let batch = 100
    /// Calls made for one booking in one round (find, create, poll, ...), so one booking
    /// cannot hold the round.
    static let callsPerVisit = 4

    func run() async throws {
        for await _ in Ticks(every: interval, clock: clock).cancelOnGracefulShutdown() {
            do {
                try await round()
            } catch {
                errors.increment()
                logger.warning("provisioning round failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One pass over what is due; returns how many bookings were visited.
    @discardableResult
    func round() async throws -> Int {
        // Start due bookings here too (as the lifecycle service does every 15 s), so a
        // booking that starts now is rented within one round.
        _ = try await store.advanceLifecycle(now: clock.epochSeconds, fee: fee, limit: Self.batch)
        let work = try await store.machineWork(
            providers: providers.keys.sorted(), now: clock.epochSeconds, limit: Self.batch)
        for item in work where !Task.isShuttingDownGracefully {
            // One booking's trouble (a write refused, a database hiccup) must not hold up
            // the others: it is logged and visited again next round.
            do { try await visit(item) } catch {
                errors.increment()
                logger.warning(
                    "provisioning a booking failed; will retry",
                    metadata: ["reservation.id": "\(item.reservation.id)", "error": "\(error)"])
            }
        }
        for (provider, count) in try await store.liveMachineCounts() {
            Gauge(label: "gp4u_machines_live", dimensions: [("provider", provider)]).record(count)
        }
        return work.count
    }

    func visit(_ work: MachineWork) async throws {
        guard let provider = providers[work.provider] else { return }
        var reservation = work.reservation
        var machine: Machine
        if let stored = work.machine {
            machine = stored
        } else {
            machine = MachineLifecycle.begin(
                reservation, provider: work.provider, offer: work.offer, now: clock.epochSeconds)
            if !machine.state.isLive {
                _ = try await store.save(
                    MachineDecision(machine: machine), basedOn: reservation, now: clock.epochSeconds)
                return
            }
        }
        var action = MachineLifecycle.next(machine, reservation: reservation, now: clock.epochSeconds)
        var calls = 0
        while let call = action, calls < Self.callsPerVisit {
            calls += 1
            let outcome = await provider.perform(call)
            log(call, outcome, reservation: reservation.id, provider: work.provider)
            let now = clock.epochSeconds
            let decision = try MachineLifecycle.apply(
                outcome, of: call, to: machine, reservation: reservation, sshKey: work.sshKey, settings: settings,
                fee: fee, now: now)
            guard try await store.save(decision, basedOn: reservation, now: now) else { return }
            record(from: machine, to: decision.machine, provider: work.provider)
            if decision.offerUnavailable != nil { await offerWithdrawn() }
            machine = decision.machine
            reservation = decision.reservation ?? reservation
            action = decision.followUp
            if decision.wantsSubstitute {
                guard let moved = try await substitute(machine, reservation, model: work.offer?.model.id) else {
                    return
                }
                machine = moved.machine
                reservation = moved.reservation ?? reservation
                action = moved.followUp
            }
        }
    }

    /// Moves the booking to a substitute offer, trying the next one when the store
    /// refuses a pick (its hours are booked, or a dearer one's difference is not there);
    /// after a few refusals the rental fails and is refunded. Nil when the booking
    /// changed meanwhile.
    func substitute(_ m: Machine, _ r: Reservation, model: String?) async throws -> MachineDecision? {
        var candidates = marketOffers()
        for attempt in 1...Self.substituteAttempts {
            let now = clock.epochSeconds
            let decision = try MachineLifecycle.substitute(
                m, reservation: r, model: model, candidates: attempt < Self.substituteAttempts ? candidates : [],
                fee: fee, now: now)
            do {
                guard try await store.save(decision, basedOn: r, now: now) else { return nil }
                logger.info(
                    "substitute decided",
                    metadata: [
                        "reservation.id": "\(r.id)", "gpu.id": "\(decision.reservation?.gpuID ?? r.gpuID)",
                        "machine.state": "\(decision.machine.state.rawValue)",
                    ])
                return decision
            } catch let error where error is LedgerError || (error as? ReservationError) == .slotTaken {
                let refused = decision.reservation?.gpuID
                candidates.removeAll { $0.id == refused }
            }
        }
        return nil
    }

    static let substituteAttempts = 5

    private func log(_ call: MachineAction, _ outcome: MachineOutcome, reservation: String, provider: String) {
        let name: String
        switch call {
        case .find: name = "find"
        case .create: name = "create"
        case .poll: name = "poll"
        case .destroy: name = "destroy"
        case .restart: name = "restart"
        }
        let level: Logger.Level
        switch (call, outcome) {
        case (.poll, .observed), (.find, .found): level = .debug
        case (_, .transient): level = .warning
        default: level = .info
        }
        logger.log(
            level: level, "provider call",
            metadata: [
                "reservation.id": "\(reservation)", "provider": "\(provider)", "call": "\(name)",
                "outcome": "\(outcome)",
            ])
    }

    private func record(from old: Machine, to new: Machine, provider: String) {
        if old.state == .provisioning, new.state == .running {
            Timer(label: "gp4u_provisioning_seconds", dimensions: [("provider", provider)])
                .recordSeconds(Double(new.since - old.createdAt))
        }
        if old.failure == nil, let reason = new.failure {
            Counter(
                label: "gp4u_provisioning_failures_total", dimensions: [("provider", provider), ("reason", reason)]
            )
            .increment()
        }
    }
}

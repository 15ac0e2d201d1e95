import Brokerage
import Ethereum
import Foundation
import Testing

/// Every step of a booking's machine as a table, without a provider or a database: the
/// call it asks for, the state it leaves, and the money it gives back.
@Suite("Machine lifecycle decisions")
struct MachineLifecycleTests {
    static let hour: Int64 = 3600
    static let start: Int64 = 1_800_000_000  // on the hour
    static let settings = MachineLifecycle.Settings(
        image: "pytorch/pytorch:2.4.0", diskGB: 40, poll: 10, health: 60, provisionTimeout: 600, maxBackoff: 120)
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN8pcnWxLd8lVnLA1dDJZIF+anygSKD1/n9RtUZJEq2"
    static let running = ProviderInstance(
        id: "9001", label: "r", status: .running,
        connection: MachineConnection(host: "203.0.113.17", port: 41022, user: "root", ports: ["22/tcp": 41022]))

    /// An active (captured) 4-hour booking of $2.50 an hour on a Vast offer.
    static func booking(_ status: Reservation.Status = .active, hours: Int64 = 4) -> Reservation {
        Reservation(
            id: "r", userID: "u", gpuID: "vastai-777", start: start, end: start + hours * hour,
            pricePerHour: USDC(micro: 2_500_000), totalCost: USDC(micro: 2_500_000 * hours), status: status,
            payee: .earnings(user: "upstream:vastai"), createdAt: start - hour)
    }

    static func machine(_ state: MachineState = .provisioning, instance: String? = nil, since: Int64 = start)
        -> Machine
    {
        Machine(
            reservationID: "r", provider: "vastai", offerID: "777", state: state, instanceID: instance,
            connection: state == .running ? running.connection : nil, nextCheckAt: since, since: since,
            createdAt: start)
    }

    static func apply(
        _ outcome: MachineOutcome, of action: MachineAction, to m: Machine, _ r: Reservation = booking(),
        at now: Int64 = start + 5
    ) throws -> MachineDecision {
        try MachineLifecycle.apply(
            outcome, of: action, to: m, reservation: r, sshKey: key, settings: settings, fee: .default, now: now)
    }

    @Test("a new machine looks for its label first, then rents the booked offer with the renter's key")
    func findThenCreate() throws {
        let m = MachineLifecycle.begin(Self.booking(), provider: "vastai", offer: nil, now: Self.start)
        #expect(m.state == .provisioning)
        #expect(m.offerID == "777", "the provider's id comes from the GP4U offer id when the offer is gone")
        #expect(MachineLifecycle.next(m, reservation: Self.booking(), now: Self.start) == .find(label: "r"))
        let d = try Self.apply(.found(nil), of: .find(label: "r"), to: m)
        #expect(
            d.followUp
                == .create(
                    MachineRequest(
                        offerID: "777", label: "r", image: "pytorch/pytorch:2.4.0", diskGB: 40, sshPublicKey: Self.key))
        )
        #expect(d.movements.isEmpty && d.reservation == nil)
        let created = try Self.apply(.created(instanceID: "9001"), of: d.followUp!, to: d.machine)
        #expect(created.machine.instanceID == "9001")
        #expect(created.machine.nextCheckAt == Self.start + 5 + 10)
        #expect(MachineLifecycle.next(created.machine, reservation: Self.booking(), now: Self.start + 6) == nil)
        #expect(
            MachineLifecycle.next(created.machine, reservation: Self.booking(), now: Self.start + 15)
                == .poll(instanceID: "9001"))
    }

    @Test("after a crash between the provider's answer and our write, the instance is adopted, never rented twice")
    func adoptAfterCrash() throws {
        let stored = Self.machine()  // provisioning, no instance id written
        #expect(MachineLifecycle.next(stored, reservation: Self.booking(), now: Self.start + 5) == .find(label: "r"))
        let loading = ProviderInstance(id: "9001", label: "r", status: .starting, connection: nil)
        let d = try Self.apply(.found(loading), of: .find(label: "r"), to: stored)
        #expect(d.machine.instanceID == "9001")
        #expect(d.machine.state == .provisioning)
        #expect(d.followUp == nil, "no create follows a find that found the instance")
        let up = try Self.apply(.found(Self.running), of: .find(label: "r"), to: stored)
        #expect(up.machine.state == .running)
    }

    @Test("starting → running stores the connection; a running machine is checked at the health interval")
    func running() throws {
        let m = Self.machine(instance: "9001")
        let starting = ProviderInstance(id: "9001", label: "r", status: .starting, connection: nil)
        let wait = try Self.apply(.observed(starting), of: .poll(instanceID: "9001"), to: m)
        #expect(wait.machine.state == .provisioning)
        #expect(wait.machine.nextCheckAt == Self.start + 15)
        let up = try Self.apply(.observed(Self.running), of: .poll(instanceID: "9001"), to: m, at: Self.start + 90)
        #expect(up.machine.state == .running)
        #expect(up.machine.since == Self.start + 90)
        #expect(up.machine.connection == Self.running.connection)
        #expect(up.machine.nextCheckAt == Self.start + 150)
        #expect(up.movements.isEmpty)
        // Running without connection details yet (ports not mapped) is still starting.
        let noPorts = ProviderInstance(id: "9001", label: "r", status: .running, connection: nil)
        #expect(try Self.apply(.observed(noPorts), of: .poll(instanceID: "9001"), to: m).machine.state == .provisioning)
    }

    @Test(
        "the provider refusing the rental cancels the booking, refunds the whole capture, and only a gone offer is withdrawn",
        arguments: [ProvisionRefusal.offerGone, .noCredit, .rejected])
    func refused(_ refusal: ProvisionRefusal) throws {
        let create = MachineAction.create(
            MachineRequest(offerID: "777", label: "r", image: "i", diskGB: 40, sshPublicKey: nil))
        let d = try Self.apply(.refused(refusal), of: create, to: Self.machine())
        #expect(d.reservation?.status == .cancelled)
        #expect(d.reservation?.refunded == USDC(micro: 10_000_000))
        // The capture was 10% to revenue and 90% to the upstream provider: both reversed.
        #expect(
            netChange(d.movements) == [
                "available:u": 10_000_000, "revenue:platform": -1_000_000, "earnings:upstream:vastai": -9_000_000,
            ])
        #expect(d.movements.map(\.kind) == [.machineRefund])
        #expect(d.machine.failure == refusal.rawValue)
        #expect(d.offerUnavailable == (refusal == .offerGone ? "vastai-777" : nil))
        // Nothing was rented, but a last find catches a stray before the machine is closed.
        #expect(d.followUp == .find(label: "r"))
        let cancelled = d.reservation!
        let closed = try Self.apply(.found(nil), of: .find(label: "r"), to: d.machine, cancelled)
        #expect(closed.machine.state == .provisionFailed)
        #expect(closed.movements.isEmpty, "the refund is given once")
        #expect(MachineLifecycle.next(closed.machine, reservation: cancelled, now: Self.start + 999) == nil)
    }

    @Test("an instance that fails to start is refunded in full and destroyed")
    func failsToStart() throws {
        let exited = ProviderInstance(id: "9001", label: "r", status: .dead("exited"), connection: nil)
        let d = try Self.apply(.observed(exited), of: .poll(instanceID: "9001"), to: Self.machine(instance: "9001"))
        #expect(d.machine.state == .releasing)
        #expect(d.machine.failure == "instance_exited")
        #expect(d.reservation?.status == .cancelled)
        #expect(netChange(d.movements)["available:u"] == 10_000_000)
        #expect(d.followUp == .destroy(instanceID: "9001"))
        let done = try Self.apply(.destroyed, of: .destroy(instanceID: "9001"), to: d.machine, d.reservation!)
        #expect(done.machine.state == .provisionFailed)
    }

    @Test("a machine that does not start in time is given up: refunded and destroyed")
    func startTimeout() throws {
        let starting = ProviderInstance(id: "9001", label: "r", status: .starting, connection: nil)
        let m = Self.machine(instance: "9001")
        let early = try Self.apply(.observed(starting), of: .poll(instanceID: "9001"), to: m, at: Self.start + 599)
        #expect(early.machine.state == .provisioning)
        let late = try Self.apply(.observed(starting), of: .poll(instanceID: "9001"), to: m, at: Self.start + 600)
        #expect(late.machine.failure == "start_timeout")
        #expect(late.reservation?.refunded == USDC(micro: 10_000_000))
        #expect(late.followUp == .destroy(instanceID: "9001"))
    }

    @Test("a machine that dies while booked refunds the unused whole hours and ends the booking")
    func dies() throws {
        let m = Self.machine(.running, instance: "9001")
        // 1 h 20 min into a 4-hour booking: hours 3 and 4 are unused (the current one is not).
        let now = Self.start + Self.hour + 1200
        let dead = ProviderInstance(id: "9001", label: "r", status: .dead("offline"), connection: nil)
        let d = try Self.apply(.observed(dead), of: .poll(instanceID: "9001"), to: m, at: now)
        #expect(d.reservation?.status == .completed)
        #expect(d.reservation?.refunded == USDC(micro: 5_000_000))
        #expect(
            netChange(d.movements) == [
                "available:u": 5_000_000, "revenue:platform": -500_000, "earnings:upstream:vastai": -4_500_000,
            ])
        #expect(d.machine.state == .releasing)
        #expect(d.machine.message?.contains("2 unused hour(s) refunded") == true)
        #expect(d.followUp == .destroy(instanceID: "9001"))
        let done = try Self.apply(.destroyed, of: .destroy(instanceID: "9001"), to: d.machine, d.reservation!, at: now)
        #expect(done.machine.state == .released, "it ran, so it ends released, not provision_failed")

        // Removed by the provider: nothing left to destroy.
        let gone = try Self.apply(.observed(nil), of: .poll(instanceID: "9001"), to: m, at: now)
        #expect(gone.machine.state == .released)
        #expect(gone.followUp == nil)
        #expect(gone.reservation?.refunded == USDC(micro: 5_000_000))
    }

    @Test("the end of the booking, a cancellation or a completed booking release the machine; gone counts as destroyed")
    func release() throws {
        let m = Self.machine(.running, instance: "9001")
        #expect(
            MachineLifecycle.next(m, reservation: Self.booking(), now: Self.start + 100) == .poll(instanceID: "9001"))
        let end = Self.start + 4 * Self.hour
        #expect(MachineLifecycle.next(m, reservation: Self.booking(), now: end) == .destroy(instanceID: "9001"))
        #expect(
            MachineLifecycle.next(m, reservation: Self.booking(.cancelled), now: Self.start + 100)
                == .destroy(instanceID: "9001"))
        var checked = m
        checked.nextCheckAt = Self.start + 160  // its next health check is a minute away
        #expect(MachineLifecycle.next(checked, reservation: Self.booking(), now: Self.start + 100) == nil)
        #expect(
            MachineLifecycle.next(checked, reservation: Self.booking(.cancelled), now: Self.start + 100)
                == .destroy(instanceID: "9001"), "a cancelled booking is released at once")
        checked.state = .releasing  // a destroy that failed keeps its backoff
        #expect(MachineLifecycle.next(checked, reservation: Self.booking(.cancelled), now: Self.start + 100) == nil)
        for outcome in [MachineOutcome.destroyed, .observed(nil)] {
            let d = try Self.apply(outcome, of: .destroy(instanceID: "9001"), to: m, Self.booking(.completed), at: end)
            #expect(d.machine.state == .released)
            #expect(d.movements.isEmpty && d.reservation == nil, "an ordinary end moves no money")
        }
        // A booking cancelled before its machine was rented: a find, nothing found, closed.
        let unrented = Self.machine()
        let d = try Self.apply(.found(nil), of: .find(label: "r"), to: unrented, Self.booking(.cancelled))
        #expect(d.machine.state == .released)
        #expect(d.followUp == nil)
    }

    @Test("failed calls back off, doubling up to the cap; a destroy that failed is kept as releasing")
    func backoff() throws {
        var m = Self.machine(instance: "9001")
        var waits: [Int64] = []
        for _ in 0..<6 {
            let d = try Self.apply(.transient("HTTP 429"), of: .poll(instanceID: "9001"), to: m)
            waits.append(d.machine.nextCheckAt - (Self.start + 5))
            m = d.machine
        }
        #expect(waits == [20, 40, 80, 120, 120, 120])
        let destroy = try Self.apply(
            .transient("timeout"), of: .destroy(instanceID: "9001"), to: Self.machine(.running, instance: "9001"))
        #expect(destroy.machine.state == .releasing)
        let ok = try Self.apply(.found(nil), of: .find(label: "r"), to: Self.machine())
        #expect(ok.machine.attempts == 0)
    }

    @Test("a provider unreachable for the whole start window fails the rental and still looks for a stray")
    func unreachable() throws {
        let d = try Self.apply(.transient("timeout"), of: .find(label: "r"), to: Self.machine(), at: Self.start + 600)
        #expect(d.machine.failure == "provider_unreachable")
        #expect(d.reservation?.status == .cancelled)
        #expect(d.followUp == .find(label: "r"))
        let early = try Self.apply(
            .transient("timeout"), of: .find(label: "r"), to: Self.machine(), at: Self.start + 60)
        #expect(early.machine.failure == nil && early.reservation == nil)
    }

    @Test("a cluster member's failures move no money: the cluster's settlement refunds")
    func clusterMember() throws {
        var member = Self.booking()
        member.clusterID = "c1"
        let create = MachineAction.create(
            MachineRequest(offerID: "777", label: "r", image: "i", diskGB: 40, sshPublicKey: nil))
        let refused = try Self.apply(.refused(.offerGone), of: create, to: Self.machine(), member)
        #expect(refused.movements.isEmpty && refused.reservation == nil)
        #expect(refused.machine.failure == "offer_gone")
        #expect(refused.machine.message?.contains("fail the cluster") == true)
        let dead = ProviderInstance(id: "9001", label: "r", status: .dead("exited"), connection: nil)
        let died = try Self.apply(
            .observed(dead), of: .poll(instanceID: "9001"), to: Self.machine(.running, instance: "9001"), member)
        #expect(died.movements.isEmpty && died.reservation == nil)
        #expect(died.followUp == .destroy(instanceID: "9001"))
    }

    @Test("a gone offer with a ceiling looks for a substitute; the cheapest fit is rented and the difference refunded")
    func substitution() throws {
        var r = Self.booking()  // $2.50 an hour, 4 hours, captured
        r.substituteCeiling = USDC(micro: 3_000_000)
        let create = MachineAction.create(
            MachineRequest(offerID: "777", label: "r", image: "i", diskGB: 40, sshPublicKey: nil))
        let gone = try Self.apply(.refused(.offerGone), of: create, to: Self.machine(), r)
        #expect(gone.wantsSubstitute && gone.offerUnavailable == "vastai-777")
        #expect(gone.movements.isEmpty && gone.reservation == nil, "nothing is refunded before a substitute is sought")

        func priced(_ id: String, _ micro: Int64, _ provider: ProviderID = .vastai, model: Int = 0) -> Offer {
            var o = Self.offer(provider)
            o.id = "\(provider.rawValue)-\(id)"
            o.externalID = id
            o.pricePerHour = USDC(micro: micro)
            o.model = GPUModel.catalog[model]
            return o
        }
        let model = GPUModel.catalog[0].id
        let candidates = [
            priced("777", 1_000_000),  // the gone offer itself
            priced("801", 3_500_000),  // over the ceiling
            priced("802", 2_000_000, .ionet),  // another provider
            priced("803", 1_500_000, model: 1),  // another model
            priced("804", 2_000_000), priced("805", 2_200_000),
        ]
        let d = try MachineLifecycle.substitute(
            gone.machine, reservation: r, model: model, candidates: candidates, fee: .default, now: Self.start + 6)
        #expect(d.reservation?.gpuID == "vastai-804")
        #expect(d.reservation?.pricePerHour == USDC(micro: 2_000_000))
        #expect(d.reservation?.totalCost == USDC(micro: 8_000_000))
        #expect(d.machine.offerID == "804")
        #expect(d.followUp == .find(label: "r"))
        #expect(
            netChange(d.movements) == [
                "available:u": 2_000_000, "revenue:platform": -200_000, "earnings:upstream:vastai": -1_800_000,
            ])

        // Dearer, within the ceiling: the difference comes from the renter's balance.
        let dearer = try MachineLifecycle.substitute(
            gone.machine, reservation: r, model: model, candidates: [priced("806", 3_000_000)], fee: .default,
            now: Self.start + 6)
        #expect(
            netChange(dearer.movements) == [
                "available:u": -2_000_000, "revenue:platform": 200_000, "earnings:upstream:vastai": 1_800_000,
            ])

        // None fits: the rental fails and the whole capture is refunded.
        let none = try MachineLifecycle.substitute(
            gone.machine, reservation: r, model: model, candidates: Array(candidates.prefix(4)), fee: .default,
            now: Self.start + 6)
        #expect(none.machine.failure == "offer_gone")
        #expect(none.reservation?.status == .cancelled)
        #expect(netChange(none.movements)["available:u"] == 10_000_000)

        // A failure after a cheaper substitute refunds what is still captured.
        let failed = try Self.apply(
            .refused(.rejected), of: create, to: d.machine, d.reservation!, at: Self.start + 7)
        #expect(netChange(failed.movements)["available:u"] == 8_000_000)
        #expect(failed.movements.map(\.id) == ["machine-refund:r"])
    }

    @Test("a provider's failed deliveries lower its offers' G-Score, not others', and not its reliability figure")
    func delivery() {
        var record = ProviderDelivery()
        for (ran, failure) in [
            (true, nil), (true, nil), (false, nil), (true, "instance_died"), (false, "instance_exited"),
            (false, "start_timeout"), (false, "offer_gone"), (false, "no_credit"), (false, "rejected"),
        ] as [(Bool, String?)] {
            record.count(ran: ran, failure: failure)
        }
        #expect(record == ProviderDelivery(delivered: 2, failed: 3))
        #expect(abs(record.factor - 12.0 / 15.0) < 1e-12)
        #expect(ProviderDelivery().factor == 1)

        let offers = [Self.offer(.vastai), Self.offer(.ionet)]
        let plain = MarketIndex(offers: offers, builtAt: Date(timeIntervalSince1970: 0))
        let weighed = MarketIndex(
            offers: offers, builtAt: Date(timeIntervalSince1970: 0), delivery: [.vastai: record])
        let vast = try? #require(weighed.offer(id: "vastai-1"))
        #expect((vast?.gScore ?? 1) < plain.offer(id: "vastai-1")!.gScore)
        #expect(vast?.reliability == plain.offer(id: "vastai-1")!.reliability)
        #expect(weighed.offer(id: "ionet-1")?.gScore == plain.offer(id: "ionet-1")?.gScore)
    }

    @Test("the renter may restart a running machine once; the reboot keeps it running and rents nothing")
    func restart() throws {
        let m = Self.machine(.running, instance: "9001")
        #expect(throws: ReservationError.notFound) {
            try MachineLifecycle.requestRestart(m, reservation: Self.booking(), by: "someone-else", now: Self.start)
        }
        #expect(throws: ReservationError.self) {
            try MachineLifecycle.requestRestart(Self.machine(), reservation: Self.booking(), by: "u", now: Self.start)
        }
        let asked = try MachineLifecycle.requestRestart(m, reservation: Self.booking(), by: "u", now: Self.start + 1)
        #expect(
            MachineLifecycle.next(asked, reservation: Self.booking(), now: Self.start + 1)
                == .restart(instanceID: "9001"))
        let d = try Self.apply(.restarted, of: .restart(instanceID: "9001"), to: asked, at: Self.start + 2)
        #expect(d.machine.state == .running && d.machine.restarts == 1 && !d.machine.restartRequested)
        #expect(d.movements.isEmpty && d.followUp == nil)
        #expect(throws: ReservationError.self) {
            try MachineLifecycle.requestRestart(d.machine, reservation: Self.booking(), by: "u", now: Self.start + 3)
        }
        // Gone when asked to reboot: it died, as a poll would have found.
        let gone = try Self.apply(.observed(nil), of: .restart(instanceID: "9001"), to: asked, at: Self.start + 2)
        #expect(gone.machine.state == .released && gone.reservation?.status == .completed)
    }

    static func offer(_ p: ProviderID, _ source: OfferOrigin = .live) -> Offer {
        Offer(
            provider: p, externalID: "1", model: GPUModel.catalog[0], providerModelName: "x", gpuCount: 1,
            vramGB: 24, pricePerHour: USDC(micro: 1), location: OfferLocation(geolocation: nil), available: true,
            reliability: 0.9, perfScore: 100, lastSynced: Date(timeIntervalSince1970: 0), priceKind: .firm,
            source: source)
    }

    @Test("a sample offer's booking gets no machine")
    func sample() {
        let m = MachineLifecycle.begin(
            Self.booking(), provider: "vastai", offer: Self.offer(.vastai, .sample), now: Self.start)
        #expect(m.state == .released)
        #expect(MachineLifecycle.next(m, reservation: Self.booking(), now: Self.start) == nil)
    }

    @Test("who can book what: rentable providers need an SSH key, others link out unless money is simulated")
    func bookingChannel() {
        let real = BookingChannel(renting: [.vastai], simulatedMoney: false)
        #expect(real.verdict(for: Self.offer(.vastai)) == .bookable(needsSSHKey: true))
        #expect(real.verdict(for: Self.offer(.gp4u)) == .bookable(needsSSHKey: false))
        #expect(real.verdict(for: Self.offer(.ionet)) == .elsewhere(bookURL: "https://cloud.io.net/"))
        #expect(real.verdict(for: Self.offer(.render)) == .elsewhere(bookURL: "https://rendernetwork.com/"))
        #expect(real.verdict(for: Self.offer(.vastai, .sample)) == .sampleOnly)
        let noKey = BookingChannel(renting: [], simulatedMoney: false)
        #expect(noKey.verdict(for: Self.offer(.vastai)) == .elsewhere(bookURL: "https://cloud.vast.ai/create/"))
        let simulated = BookingChannel(renting: [], simulatedMoney: true)
        #expect(simulated.verdict(for: Self.offer(.akash)) == .bookable(needsSSHKey: false))
        #expect(simulated.verdict(for: Self.offer(.vastai, .sample)) == .bookable(needsSSHKey: false))
    }
}

import Brokerage
import Ethereum
import Testing

/// Every booking decision as a table, without a database: what it refuses, what state
/// it leaves, and what money it moves.
@Suite("Reservation lifecycle decisions")
struct ReservationLifecycleTests {
    static let hour: Int64 = 3600
    static let now: Int64 = 1_800_000_000  // on the hour
    static let upstream = BookingTerms(
        provider: "vastai", pricePerHour: USDC(micro: 2_500_000), available: true, owner: nil)

    /// A booking of `hours` from `start`, as the store would load it.
    static func booking(
        _ status: Reservation.Status, start: Int64 = now + 48 * hour, hours: Int64 = 4, cluster: String? = nil
    ) -> Reservation {
        Reservation(
            id: "r", userID: "u", gpuID: "vastai-1", start: start, end: start + hours * hour,
            pricePerHour: USDC(micro: 2_500_000), totalCost: USDC(micro: 2_500_000 * hours), status: status,
            payee: .earnings(user: "upstream:vastai"), createdAt: now, clusterID: cluster)
    }

    @Test("book: hours × price held from available, payee by provider, status confirmed")
    func book() throws {
        let d = try ReservationLifecycle.book(
            id: "r", userID: "u", gpuID: "vastai-1", start: Self.now + Self.hour, end: Self.now + 4 * Self.hour,
            terms: Self.upstream, now: Self.now + 5)
        #expect(d.reservation.status == .confirmed)
        #expect(d.reservation.totalCost == USDC(micro: 7_500_000))
        #expect(d.reservation.payee == .earnings(user: "upstream:vastai"))
        #expect(d.movements.map(\.id) == ["hold:r"])
        #expect(netChange(d.movements) == ["available:u": -7_500_000, "held:u": 7_500_000])

        let listing = BookingTerms(provider: "gp4u", pricePerHour: .zero, available: true, owner: "owner-1")
        let free = try ReservationLifecycle.book(
            id: "f", userID: "u", gpuID: "gp4u-x", start: Self.now, end: Self.now + Self.hour, terms: listing,
            now: Self.now)
        #expect(free.reservation.payee == .earnings(user: "owner-1"))
        #expect(free.movements.isEmpty, "a free booking moves no money")
    }

    @Test(
        "book refuses bad times, closed offers and ownerless listings, deciding nothing",
        arguments: [
            (now + 1, now + hour, ReservationError.invalidField(field: "start_time", reason: "")),
            (now, now + hour + 1, .invalidField(field: "end_time", reason: "")),
            (now + hour, now + hour, .invalidField(field: "end_time", reason: "")),
            (now - hour, now, .invalidField(field: "start_time", reason: "")),
            (now + 91 * 24 * hour, now + 92 * 24 * hour, .invalidField(field: "start_time", reason: "")),
            (now, now + 32 * 24 * hour, .invalidField(field: "end_time", reason: "")),
        ])
    func bookRefusesTimes(start: Int64, end: Int64, expected: ReservationError) {
        #expect {
            _ = try ReservationLifecycle.book(
                id: "r", userID: "u", gpuID: "g", start: start, end: end, terms: Self.upstream, now: Self.now)
        } throws: { error in
            guard case .invalidField(let field, _) = error as? ReservationError,
                case .invalidField(let want, _) = expected
            else { return false }
            return field == want
        }
    }

    @Test("book refuses a closed offer and a listing with no owner")
    func bookRefusesTerms() {
        var closed = Self.upstream
        closed.available = false
        #expect(throws: ReservationError.gpuUnavailable) {
            try ReservationLifecycle.book(
                id: "r", userID: "u", gpuID: "g", start: Self.now, end: Self.now + Self.hour, terms: closed,
                now: Self.now)
        }
        let orphan = BookingTerms(provider: "gp4u", pricePerHour: .zero, available: true, owner: nil)
        #expect(throws: ReservationError.gpuNotFound) {
            try ReservationLifecycle.book(
                id: "r", userID: "u", gpuID: "g", start: Self.now, end: Self.now + Self.hour, terms: orphan,
                now: Self.now)
        }
    }

    /// Hours before the start at which a confirmed 4-hour booking (10.00 held) is
    /// cancelled → refund, and what the capture of the rest pays (10% fee).
    static let cancelCases: [(Int64, Int64, [String: Int64])] = [
        (48 * hour, 10_000_000, ["available:u": 10_000_000, "held:u": -10_000_000]),
        (24 * hour, 10_000_000, ["available:u": 10_000_000, "held:u": -10_000_000]),
        (
            24 * hour - 1, 5_000_000,
            [
                "available:u": 5_000_000, "held:u": -10_000_000, "revenue:platform": 500_000,
                "earnings:upstream:vastai": 4_500_000,
            ]
        ),
        (
            1, 5_000_000,
            [
                "available:u": 5_000_000, "held:u": -10_000_000, "revenue:platform": 500_000,
                "earnings:upstream:vastai": 4_500_000,
            ]
        ),
    ]

    @Test(
        "cancel of a confirmed booking: full refund 24 h ahead, half later, the rest captured", arguments: cancelCases)
    func cancelConfirmed(before: Int64, refund: Int64, net: [String: Int64]) throws {
        let r = Self.booking(.confirmed)
        let d = try ReservationLifecycle.cancel(r, by: "u", now: r.start - before, fee: .default)
        #expect(d.reservation.status == .cancelled)
        #expect(d.reservation.refunded == USDC(micro: refund))
        #expect(netChange(d.movements) == net)
        let kinds = d.movements.map(\.kind)
        #expect(kinds == (refund == 10_000_000 ? [.reservationRelease] : [.reservationRefund, .reservationCapture]))
    }

    @Test("cancel of an active booking frees the GPU and moves nothing (captured at start)")
    func cancelActive() throws {
        let r = Self.booking(.active, start: Self.now - Self.hour)
        let d = try ReservationLifecycle.cancel(r, by: "u", now: Self.now, fee: .default)
        #expect(d.reservation.status == .cancelled && d.reservation.refunded == .zero)
        #expect(d.movements.isEmpty)
    }

    @Test("cancel and extend refuse other users, cluster members and finished bookings")
    func refusals() {
        for status in [Reservation.Status.completed, .cancelled] {
            #expect(throws: ReservationError.notAllowed("a \(status.rawValue) reservation cannot be cancelled")) {
                try ReservationLifecycle.cancel(Self.booking(status), by: "u", now: Self.now, fee: .default)
            }
            #expect(throws: ReservationError.notAllowed("a \(status.rawValue) reservation cannot be extended")) {
                try ReservationLifecycle.extend(
                    Self.booking(status), by: "u", to: Self.now + 100 * Self.hour, now: Self.now, fee: .default)
            }
        }
        #expect(throws: ReservationError.notFound) {
            try ReservationLifecycle.cancel(Self.booking(.confirmed), by: "someone-else", now: Self.now, fee: .default)
        }
        let member = Self.booking(.confirmed, cluster: "c1")
        #expect(
            throws: ReservationError.notAllowed(
                "this booking belongs to a cluster; complete or fail the cluster instead")
        ) {
            try ReservationLifecycle.cancel(member, by: "u", now: Self.now, fee: .default)
        }
        #expect(throws: ReservationError.notFound) {
            try ReservationLifecycle.extend(
                Self.booking(.confirmed), by: "x", to: Self.now + 100 * Self.hour, now: Self.now, fee: .default)
        }
    }

    @Test("extend: the added hours are held, and captured at once when active")
    func extend() throws {
        let confirmed = Self.booking(.confirmed)
        let d = try ReservationLifecycle.extend(
            confirmed, by: "u", to: confirmed.end + 2 * Self.hour, now: Self.now, fee: .default)
        #expect(d.reservation.end == confirmed.end + 2 * Self.hour)
        #expect(d.reservation.totalCost == USDC(micro: 15_000_000))
        #expect(d.movements.map(\.id) == ["hold:r:to:\(confirmed.end + 2 * Self.hour)"])
        #expect(netChange(d.movements) == ["available:u": -5_000_000, "held:u": 5_000_000])

        let active = Self.booking(.active, start: Self.now - Self.hour)
        let a = try ReservationLifecycle.extend(
            active, by: "u", to: active.end + Self.hour, now: Self.now, fee: .default)
        #expect(a.reservation.status == .active)
        #expect(
            netChange(a.movements) == [
                "available:u": -2_500_000, "revenue:platform": 250_000, "earnings:upstream:vastai": 2_250_000,
            ])
    }

    @Test("extend refuses an end that is not later, in the past, ragged or too long")
    func extendRefuses() {
        let r = Self.booking(.confirmed)
        for (end, field) in [
            (r.end, "end_time"), (r.end - Self.hour, "end_time"), (r.end + 1, "end_time"),
            (r.start + 32 * 24 * Self.hour, "end_time"),
        ] {
            #expect {
                try ReservationLifecycle.extend(r, by: "u", to: end, now: Self.now, fee: .default)
            } throws: { error in
                if case .invalidField(let f, _) = error as? ReservationError { return f == field }
                return false
            }
        }
        let past = Self.booking(.active, start: Self.now - 10 * Self.hour, hours: 2)
        #expect {
            try ReservationLifecycle.extend(past, by: "u", to: Self.now - Self.hour, now: Self.now, fee: .default)
        } throws: { error in
            if case .invalidField(_, let reason) = error as? ReservationError { return reason.contains("past") }
            return false
        }
    }

    @Test("the clock: confirmed → active at the start (hold captured), active → completed at the end")
    func advance() throws {
        let r = Self.booking(.confirmed)
        #expect(try ReservationLifecycle.advance(r, now: r.start - 1, fee: .default) == nil)
        let started = try #require(try ReservationLifecycle.advance(r, now: r.start, fee: .default))
        #expect(started.reservation.status == .active)
        #expect(started.movements.map(\.id) == ["capture:r"])
        #expect(
            netChange(started.movements) == [
                "held:u": -10_000_000, "revenue:platform": 1_000_000, "earnings:upstream:vastai": 9_000_000,
            ])
        #expect(try ReservationLifecycle.advance(started.reservation, now: r.end - 1, fee: .default) == nil)
        let done = try #require(try ReservationLifecycle.advance(started.reservation, now: r.end, fee: .default))
        #expect(done.reservation.status == .completed && done.movements.isEmpty)

        // After downtime both steps happen at once, the capture included.
        let late = try #require(try ReservationLifecycle.advance(r, now: r.end + 5, fee: .default))
        #expect(late.reservation.status == .completed)
        #expect(late.movements.map(\.id) == ["capture:r"])

        for status in [Reservation.Status.completed, .cancelled] {
            #expect(try ReservationLifecycle.advance(Self.booking(status), now: r.end + 5, fee: .default) == nil)
        }
        #expect(
            try ReservationLifecycle.advance(Self.booking(.confirmed, cluster: "c"), now: r.end, fee: .default) == nil)
    }

    @Test("a zero platform fee pays the payee everything; a 100% fee pays only revenue")
    func feeExtremes() throws {
        let r = Self.booking(.confirmed)
        let none = try #require(try ReservationLifecycle.advance(r, now: r.start, fee: PlatformFee(basisPoints: 0)))
        #expect(netChange(none.movements) == ["held:u": -10_000_000, "earnings:upstream:vastai": 10_000_000])
        let all = try #require(try ReservationLifecycle.advance(r, now: r.start, fee: PlatformFee(basisPoints: 10_000)))
        #expect(netChange(all.movements) == ["held:u": -10_000_000, "revenue:platform": 10_000_000])
    }
}

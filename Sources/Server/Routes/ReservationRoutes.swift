import Brokerage
import Ethereum
import Foundation
import Hummingbird
import JSON
import Storage
import Timekeeping

/// `/api/v1/reservations` and the GPU availability calendar.
struct ReservationRoutes {
    let deps: AppDependencies
    var store: SQLStore { deps.store }

    struct BookBody: Decodable {
        let gpu_id: String
        let start_time: String
        let end_time: String
        /// Allow a substitute (the same GPU model, at most `max_price_per_hour`) when the
        /// provider says the offer is gone at the start.
        let substitute: Bool?
        let max_price_per_hour: USDC?

        func substituteCeiling() throws -> USDC? {
            switch (substitute ?? false, max_price_per_hour) {
            case (false, nil): return nil
            case (true, let ceiling?): return ceiling
            case (true, nil):
                throw APIError.validation(
                    "substitute needs max_price_per_hour, the most an hour you accept for a substitute",
                    field: "max_price_per_hour")
            case (false, _?):
                throw APIError.validation("max_price_per_hour applies only with substitute: true", field: "substitute")
            }
        }
    }

    struct ExtendBody: Decodable { let end_time: String }

    struct ReservationView: Codable {
        let id: String
        let gpu_id: String
        let start_time: String
        let end_time: String
        let hours: Int64
        let price_per_hour: USDC
        let total_cost: USDC
        let status: String
        let refunded: USDC
        var cancellation_policy = ReservationPolicy.cancellationPolicy
        let created_at: String
        /// The substitute ceiling the renter allowed, or null.
        let max_price_per_hour: Nullable<USDC>
        /// Set when the booking is of a sample offer (simulated money only).
        var notice: String? = nil
        /// The rented machine, on the single-reservation read (null when none is rented).
        var machine: Nullable<MachineView>? = nil

        init(_ r: Reservation) {
            id = r.id
            gpu_id = r.gpuID
            start_time = RFC3339.format(r.start)
            end_time = RFC3339.format(r.end)
            hours = r.hours
            price_per_hour = r.pricePerHour
            total_cost = r.totalCost
            status = r.status.rawValue
            refunded = r.refunded
            created_at = RFC3339.format(r.createdAt)
            max_price_per_hour = Nullable(r.substituteCeiling)
        }
    }

    struct CalendarView: Codable {
        struct Block: Codable {
            let start_time: String
            let end_time: String
            let status: String
        }
        let gpu_id: String
        let from: String
        let to: String
        let blocks: [Block]
    }

    static let bookSchema: JSONValue = [
        "type": "object", "required": ["gpu_id", "start_time", "end_time"],
        "properties": [
            "gpu_id": ["type": "string"], "start_time": ["type": "string", "format": "date-time"],
            "end_time": ["type": "string", "format": "date-time"], "substitute": ["type": "boolean"],
            "max_price_per_hour": ["type": "string", "example": "3.00"],
        ],
    ]

    static let sampleNotice =
        "sample offer: generated sample data at typical prices, booked with simulated money; no real GPU is reserved"

    /// Refuses what cannot be booked here (``BookingChannel``): a sample offer with real
    /// money (409 `sample_offer`), an offer this deployment cannot rent (409
    /// `not_bookable`, with the provider's console), a rental for a renter without an SSH
    /// key (422 `ssh_key_required`). Returns whether the offer is a sample. An unknown id
    /// passes: the booking then answers 404.
    private func checkBookable(_ gpuID: String, userID: String) async throws -> Bool {
        let offer: Offer?
        if let o = deps.market.current.offer(id: gpuID) { offer = o } else { offer = try await store.offer(id: gpuID) }
        guard let offer else { return false }
        switch deps.booking.verdict(for: offer) {
        case .sampleOnly:
            throw APIError(
                .conflict, code: "sample_offer",
                message:
                    "this is a generated sample offer: it can be booked only in simulated mode (no chain configured)")
        case .elsewhere(let url):
            throw APIError(
                .conflict, code: "not_bookable",
                message: "\(offer.provider.displayName) offers cannot be rented through GP4U yet; book it at \(url)",
                details: ["book_url": url])
        case .bookable(let needsSSHKey):
            if needsSSHKey, try await store.user(id: userID)?.sshKey == nil { throw Self.sshKeyRequired }
        }
        return offer.source == .sample
    }

    static let sshKeyRequired = APIError(
        .unprocessableContent, code: "ssh_key_required",
        message:
            "this booking rents a machine you reach by SSH: first save your public key with PUT /api/v1/auth/me {\"ssh_public_key\": \"ssh-ed25519 AAAA...\"}"
    )

    static let cancelResponses = [200: "Cancelled (refund in the body)", 409: "Already ended or cancelled"]

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .post, "/api/v1/reservations",
                "Book whole hours on a GPU; holds hours × price; accepts Idempotency-Key",
                tag: "reservations", access: .user, accepts: BookBody.self, body: Self.bookSchema,
                returns: ReservationView.self,
                responses: [
                    201: "Booked", 402: "Insufficient funds", 404: "No such GPU",
                    409: "Hours taken, GPU unavailable, or not bookable here (book_url)",
                    422: "Invalid times, or an SSH key is required (ssh_key_required)",
                ])
        ) { request, context in
            let id = try context.requireIdentity()
            let buffer = try await request.bodyBuffer(context: context)
            return try await Idempotency(store: store, clock: deps.clock).run(request, context: context, body: buffer) {
                let body = try request.decodeJSON(BookBody.self, from: buffer)
                let start = try Self.time(body.start_time, field: "start_time")
                let end = try Self.time(body.end_time, field: "end_time")
                let ceiling = try body.substituteCeiling()
                let sample = try await checkBookable(body.gpu_id, userID: id.userID)
                let r = try await store.book(
                    id: TimeOrderedID.make(at: deps.clock.now), userID: id.userID, gpuID: body.gpu_id, start: start,
                    end: end, substituteCeiling: ceiling, now: deps.clock.epochSeconds)
                var view = ReservationView(r)
                if sample { view.notice = Self.sampleNotice }
                return (.created, try encodeJSON(view))
            }
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/reservations", "The caller's reservations, newest first", tag: "reservations",
                access: .user, returns: Page<ReservationView>.self, query: ["limit", "cursor"])
        ) { request, context in
            let id = try context.requireIdentity()
            let limit = try request.limit()
            let list = try await store.reservations(
                userID: id.userID, after: try Cursor.decode(request.queryString("cursor")), limit: limit + 1)
            let page = list.prefix(limit).map(ReservationView.init)
            return try .json(
                Page(items: Array(page), next_cursor: list.count > limit ? page.last.map { Cursor.encode($0.id) } : nil)
            )
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/reservations/{id}", "One of the caller's reservations", tag: "reservations",
                access: .user, returns: ReservationView.self)
        ) { _, context in
            let r = try await mine(context)
            var view = ReservationView(r)
            view.machine = Nullable(try await machineView(r))
            return try .json(view)
        }

        let cancel: @Sendable (Request, AppRequestContext) async throws -> Response = { _, context in
            let id = try context.requireIdentity()
            let reservationID = try context.parameters.require("id")
            let r = try await store.cancel(
                id: reservationID, userID: id.userID, now: deps.clock.epochSeconds, fee: deps.fee)
            return try .json(ReservationView(r))
        }
        api.add(
            RouteSpec(
                .delete, "/api/v1/reservations/{id}/cancel",
                "Cancel; refund by the cancellation policy (in the response)", tag: "reservations", access: .user,
                returns: ReservationView.self, responses: Self.cancelResponses),
            handler: cancel)
        api.add(
            RouteSpec(
                .delete, "/api/v1/reservations/{id}", "Cancel (alias of /cancel)", tag: "reservations", access: .user,
                returns: ReservationView.self, responses: Self.cancelResponses),
            handler: cancel)

        api.add(
            RouteSpec(
                .post, "/api/v1/reservations/{id}/restart",
                "Restart the booking's running machine in place (once per booking, when it hangs)",
                tag: "reservations", access: .user, returns: MachineView.self,
                responses: [
                    202: "Restart requested", 404: "No such reservation of the caller, or no machine",
                    409: "Not running, or restarted once already",
                ])
        ) { _, context in
            let id = try context.requireIdentity()
            let reservationID = try context.parameters.require("id")
            let machine = try await store.requestRestart(
                reservationID: reservationID, userID: id.userID, now: deps.clock.epochSeconds)
            return try .json(MachineView(machine), status: .accepted)
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/reservations/{id}/extend",
                "Move the end later; holds the extra hours; accepts Idempotency-Key",
                tag: "reservations", access: .user,
                accepts: ExtendBody.self,
                body: [
                    "type": "object", "required": ["end_time"],
                    "properties": ["end_time": ["type": "string", "format": "date-time"]],
                ],
                returns: ReservationView.self,
                responses: [200: "Extended", 402: "Insufficient funds", 409: "Hours taken"])
        ) { request, context in
            let id = try context.requireIdentity()
            let reservationID = try context.parameters.require("id")
            let buffer = try await request.bodyBuffer(context: context)
            return try await Idempotency(store: store, clock: deps.clock).run(request, context: context, body: buffer) {
                let body = try request.decodeJSON(ExtendBody.self, from: buffer)
                let end = try Self.time(body.end_time, field: "end_time")
                let r = try await store.extend(
                    id: reservationID, userID: id.userID, newEnd: end, now: deps.clock.epochSeconds, fee: deps.fee)
                return (.ok, try encodeJSON(ReservationView(r)))
            }
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/gpus/{id}/availability",
                "Free and booked hour blocks of a GPU (default: the next 7 days)", tag: "reservations",
                returns: CalendarView.self, query: ["from", "to"])
        ) { request, context in
            let gpuID = try context.parameters.require("id")
            guard try await store.offer(id: gpuID) != nil else { throw APIError.notFound("GPU") }
            let now = deps.clock.epochSeconds
            let from = try request.queryTime("from") ?? (now - now % 3600)
            let to = try request.queryTime("to") ?? (from + 7 * 86400)
            guard to > from else { throw APIError.validation("to must be after from", field: "to") }
            guard to - from <= 92 * 86400 else { throw APIError.validation("at most 92 days per request", field: "to") }
            // Bookings open 90 days ahead and last a year in history; beyond that there is
            // nothing to show (and far dates overflowed RFC 3339's four-digit year).
            let horizon = (ReservationPolicy.maxLeadHours + 24 * 92) * 3600
            guard to <= now + horizon else {
                throw APIError.validation(
                    "the calendar reaches \(horizon / 86400) days ahead; ask for an earlier to", field: "to")
            }
            guard from >= now - 366 * 86400 else {
                throw APIError.validation("the calendar goes back one year; ask for a later from", field: "from")
            }
            let start = from - from % 3600
            let end = to % 3600 == 0 ? to : to - to % 3600 + 3600
            let booked = try await store.bookings(gpuID: gpuID, from: start, to: end)
            return try .json(
                CalendarView(
                    gpu_id: gpuID, from: RFC3339.format(start), to: RFC3339.format(end),
                    blocks: Self.blocks(from: start, to: end, booked: booked)))
        }
    }

    /// Alternating free and booked runs of whole hours covering `[from, to)`.
    static func blocks(from: Int64, to: Int64, booked: [Reservation]) -> [CalendarView.Block] {
        var out: [CalendarView.Block] = []
        var cursor = from
        for r in booked.sorted(by: { $0.start < $1.start }) {
            let s = max(r.start, from)
            let e = min(r.end, to)
            if s > cursor {
                out.append(.init(start_time: RFC3339.format(cursor), end_time: RFC3339.format(s), status: "free"))
            }
            if e > max(s, cursor) {
                out.append(
                    .init(start_time: RFC3339.format(max(s, cursor)), end_time: RFC3339.format(e), status: "booked"))
            }
            cursor = max(cursor, e)
        }
        if cursor < to {
            out.append(.init(start_time: RFC3339.format(cursor), end_time: RFC3339.format(to), status: "free"))
        }
        return out
    }

    static func time(_ text: String, field: String) throws -> Int64 {
        guard let t = RFC3339.parseLenient(text).map(RFC3339.seconds) else {
            throw APIError.validation(
                "\(field) must be an RFC 3339 time with an offset, such as 2026-12-01T10:00:00Z", field: field)
        }
        return t
    }

    /// The booking's machine; `booked` for a live booking on a renting provider that has none yet.
    private func machineView(_ r: Reservation) async throws -> MachineView? {
        if let m = try await store.machine(reservationID: r.id) { return MachineView(m) }
        let renting = deps.booking.renting.contains { r.payee == .earnings(user: "upstream:\($0.rawValue)") }
        guard renting, r.status == .confirmed || r.status == .active, r.clusterID == nil else { return nil }
        return MachineView(bookedAt: r.createdAt)
    }

    private func mine(_ context: AppRequestContext) async throws -> Reservation {
        let id = try context.requireIdentity()
        guard let r = try await store.reservation(id: try context.parameters.require("id")), r.userID == id.userID
        else {
            throw APIError.notFound("reservation")
        }
        return r
    }
}

import Brokerage
import Ethereum
import Foundation
import Hummingbird
import JSON
import Storage
import Timekeeping

/// `/api/v1/clusters`: DPP plans over the live market, paid for by a hold and settled on
/// completion or failure (see ``ClusterSettlement`` for the rule).
struct ClusterRoutes {
    let deps: AppDependencies
    var store: SQLStore { deps.store }

    struct PlanBody: Decodable {
        let job_name: String
        let compute_intensity: Double
        let vram_gb: Int
        let deadline_hours: Int
        let max_gpus: Int?
        let max_hourly_budget: USDC?
        let same_provider: Bool?
        let min_reliability: Double?

        func request() throws -> ClusterRequest {
            let name = job_name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(name.count) else {
                throw APIError.validation("job_name must be 1 to 200 characters", field: "job_name")
            }
            guard let intensity = PerfScore(rounding: compute_intensity), intensity.milli > 0 else {
                throw APIError.validation(
                    "compute_intensity must be a positive number (perf score × hours), e.g. 5000",
                    field: "compute_intensity")
            }
            return ClusterRequest(
                jobName: name, computeIntensity: intensity, vramGB: vram_gb, deadlineHours: deadline_hours,
                maxGPUs: max_gpus,
                maxHourlyBudget: max_hourly_budget, sameProvider: same_provider ?? false,
                minReliability: min_reliability ?? 0)
        }
    }

    static let planSchema: JSONValue = [
        "type": "object", "required": ["job_name", "compute_intensity", "vram_gb", "deadline_hours"],
        "properties": [
            "job_name": ["type": "string"], "compute_intensity": ["type": "number", "example": 5000],
            "vram_gb": ["type": "integer"], "deadline_hours": ["type": "integer", "minimum": 1, "maximum": 8760],
            "max_gpus": ["type": "integer"], "max_hourly_budget": ["type": "string", "example": "20.00"],
            "same_provider": ["type": "boolean"], "min_reliability": ["type": "number", "minimum": 0, "maximum": 1],
        ],
    ]

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .post, "/api/v1/clusters/estimate",
                "Plan the cheapest cluster that meets the deadline, without booking or charging",
                tag: "clusters", access: .user, accepts: PlanBody.self, body: Self.planSchema,
                returns: ClusterPlanView.self,
                responses: [200: "Feasible plan", 422: "Invalid request, or no plan (code says why, with the reason)"])
        ) { request, context in
            _ = try context.requireIdentity()
            let body = try request.decodeJSON(PlanBody.self, from: try await request.bodyBuffer(context: context))
            let (plan, start) = try await plan(body.request())
            return try .json(ClusterPlanView(plan, start: start))
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/clusters",
                "Plan, book the members' hours from the next whole hour and hold the total cost; accepts Idempotency-Key",
                tag: "clusters", access: .user, accepts: PlanBody.self, body: Self.planSchema,
                returns: ClusterView.self,
                responses: [
                    201: "Held", 402: "Insufficient funds", 409: "An offer changed or was booked meanwhile",
                    422: "Invalid request or no plan",
                ])
        ) { request, context in
            let id = try context.requireIdentity()
            let buffer = try await request.bodyBuffer(context: context)
            return try await Idempotency(store: store, clock: deps.clock).run(request, context: context, body: buffer) {
                let body = try request.decodeJSON(PlanBody.self, from: buffer)
                let (plan, start) = try await plan(body.request())
                try await checkSSHKey(for: plan, userID: id.userID)
                let cluster = try await store.createCluster(
                    id: TimeOrderedID.make(at: deps.clock.now), userID: id.userID, plan: plan, start: start,
                    now: deps.clock.epochSeconds)
                context.logger.info(
                    "cluster held",
                    metadata: [
                        "cluster.id": "\(cluster.id)", "cluster.members": "\(cluster.members.count)",
                        "ledger.held": "\(cluster.totalCost)",
                    ])
                return (.created, try encodeJSON(ClusterView(cluster)))
            }
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/clusters", "The caller's clusters, newest first", tag: "clusters", access: .user,
                returns: Page<ClusterView>.self, query: ["limit", "cursor"])
        ) {
            request, context in
            let id = try context.requireIdentity()
            let limit = try request.limit()
            let list = try await store.clusters(
                userID: id.userID, after: try Cursor.decode(request.queryString("cursor")), limit: limit + 1)
            let page = list.prefix(limit).map(ClusterView.init)
            return try .json(
                Page(items: Array(page), next_cursor: list.count > limit ? page.last.map { Cursor.encode($0.id) } : nil)
            )
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/clusters/{id}", "One cluster (its owner or an operator)", tag: "clusters", access: .user,
                returns: ClusterView.self)
        ) { _, context in
            let cluster = try await owned(context)
            var view = ClusterView(cluster)
            var machines: [ClusterView.MemberMachine] = []
            for member in cluster.members {
                machines.append(
                    .init(
                        gpu_id: member.gpuID, reservation_id: member.reservationID,
                        machine: Nullable(
                            try await store.machine(reservationID: member.reservationID).map(MachineView.init))
                    ))
            }
            view.machines = machines
            return try .json(view)
        }

        let transitions: [(String, String, Cluster.Status)] = [
            ("start", "held → running; the settlement clock starts now", .running),
            ("complete", "running → completed; pays members by contribution minus the platform fee", .completed),
            (
                "fail", "held|running → failed; refunds by the settlement rule (un-run hours back, started hours paid)",
                .failed
            ),
        ]
        for (verb, summary, target) in transitions {
            api.add(
                RouteSpec(
                    .post, "/api/v1/clusters/{id}/\(verb)", "\(summary); accepts Idempotency-Key", tag: "clusters",
                    access: .user, returns: ClusterView.self,
                    responses: [
                        200: "Moved", 404: "No such cluster of the caller", 409: "Not allowed from the current state",
                    ])
            ) { request, context in
                let cluster = try await owned(context)
                let buffer = try await request.bodyBuffer(context: context)
                return try await Idempotency(store: store, clock: deps.clock).run(
                    request, context: context, body: buffer
                ) {
                    let moved: Cluster =
                        target == .running
                        ? try await store.startCluster(id: cluster.id, now: deps.clock.epochSeconds)
                        : try await store.finishCluster(
                            id: cluster.id, outcome: target, now: deps.clock.epochSeconds, fee: deps.fee)
                    context.logger.info(
                        "cluster \(moved.status.rawValue)",
                        metadata: [
                            "cluster.id": "\(moved.id)", "ledger.charged": "\(moved.charged)",
                            "ledger.refunded": "\(moved.refunded)",
                        ])
                    return (.ok, try encodeJSON(ClusterView(moved)))
                }
            }
        }
    }

    /// Plans over the available offers that are free for the whole window the cluster
    /// could need (`deadline_hours` from the next whole hour), so a plan never picks a GPU
    /// that reservations hold.
    private func plan(_ request: ClusterRequest) async throws -> (ClusterPlan, start: Int64) {
        let start = Cluster.startHour(after: deps.clock.epochSeconds)
        let window = Int64(min(max(request.deadlineHours, 1), ClusterRequest.maxDeadlineHours)) * 3600
        let busy = try await store.bookedGPUs(from: start, to: start + window)
        // Only what can be booked here (``BookingChannel``): no sample offers with real
        // money, no offers of providers whose machines are not rented here.
        let candidates = deps.market.current.offers.compactMap { offer -> ClusterCandidate? in
            guard !busy.contains(offer.id), case .bookable = deps.booking.verdict(for: offer) else { return nil }
            return offer.clusterCandidate
        }
        switch try DPPPlanner.plan(request, candidates: candidates) {
        case .feasible(let plan): return (plan, start)
        case .infeasible(let why): throw ClusterError.infeasible(why)
        }
    }

    /// A cluster with members whose machines are rented needs the renter's SSH key, as a
    /// booking does (422 `ssh_key_required`).
    private func checkSSHKey(for plan: ClusterPlan, userID: String) async throws {
        let rented = plan.members.contains {
            ProviderID(rawValue: $0.candidate.provider).map(deps.booking.renting.contains) ?? false
        }
        guard rented, try await store.user(id: userID)?.sshKey == nil else { return }
        throw ReservationRoutes.sshKeyRequired
    }

    /// The cluster in the path if the caller owns it or is an operator; 404 otherwise, so
    /// ids of other users' clusters are not confirmed.
    private func owned(_ context: AppRequestContext) async throws -> Cluster {
        let id = try context.requireIdentity()
        guard let c = try await store.cluster(id: try context.parameters.require("id")),
            c.userID == id.userID || id.role == .operator
        else {
            throw APIError.notFound("cluster")
        }
        return c
    }
}

import Brokerage
import Ethereum
import Foundation
import Hummingbird
import JSON
import Storage
import Timekeeping

/// `/api/v1/wallets/withdraw` and `/withdrawals`: users ask for USDC to be sent to their
/// address; operators approve on the server host (`gp4u withdrawals approve`); the
/// sender pays and follows the transaction. Every amount is held from the request on.
struct WithdrawalRoutes {
    let deps: AppDependencies
    var store: SQLStore { deps.store }

    struct RequestBody: Decodable {
        let amount: USDC
        let chain_id: Int
        let to: String
        let source: String?
    }

    struct WithdrawalView: Codable {
        let id: String
        let status: String
        let amount: USDC
        let source: String
        let chain_id: Int
        let token: String
        let to: String
        let simulated: Bool
        /// The transaction that mined, else the newest one sent.
        let tx_hash: String?
        let nonce: UInt64?
        let confirmations: Int?
        let confirmations_required: Int?
        /// What the transaction's gas cost, in the chain's native token (ETH, POL), and in wei.
        let network_fee: String?
        let network_fee_wei: String?
        let approvals: Int
        let approvals_required: Int
        /// Why it was rejected or failed.
        let reason: String?
        let created_at: String
        let updated_at: String
        let finished_at: String?

        init(_ w: Withdrawal, deps: AppDependencies) {
            id = w.id
            status = w.status.rawValue
            amount = w.amount
            source = w.source.rawValue
            chain_id = w.chainID
            token = w.token.checksummed
            to = w.destination.checksummed
            simulated = w.simulated
            tx_hash = (w.minedHash ?? w.latestAttempt?.hash)?.description
            nonce = w.nonce
            let chain = deps.chains.first { $0.chainID == w.chainID }
            confirmations_required = w.simulated ? nil : chain?.confirmations
            // The newer of what the watcher and the sender last saw; a confirmed one has at
            // least the required depth, whichever service looked last.
            let heads = [
                deps.watchers.status(chainID: w.chainID)?.head?.number, deps.senders.status(chainID: w.chainID)?.head,
            ]
            let seen = heads.compactMap { $0 }.max().flatMap { w.confirmations(atHead: $0) }
            confirmations = w.status == .confirmed ? max(seen ?? 0, confirmations_required ?? 0) : seen
            network_fee = w.networkFee.map(Self.ether)
            network_fee_wei = w.networkFee?.description
            approvals = w.validApprovers.count
            approvals_required = deps.withdrawals.policy.approvalsRequired
            reason = w.reason
            created_at = RFC3339.format(w.createdAt)
            updated_at = RFC3339.format(w.updatedAt)
            finished_at = w.finishedAt.map(RFC3339.format)
        }

        /// Wei as a decimal of the native token (18 decimals), trailing zeros trimmed.
        static func ether(_ wei: BigUInt) -> String {
            let scale = BigUInt(10).power(18)
            var fraction = String(wei % scale)
            fraction = String(repeating: "0", count: 18 - fraction.count) + fraction
            while fraction.count > 1 && fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(wei / scale).\(fraction)"
        }
    }

    static let requestSchema: JSONValue = [
        "type": "object", "required": ["amount", "chain_id", "to"],
        "properties": [
            "amount": USDC.requestSchema(example: "250.00"), "chain_id": ["type": "integer", "example": 137],
            "to": Address.schema,
            "source": ["type": "string", "enum": ["available", "earnings"]],
        ],
    ]

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .post, "/api/v1/wallets/withdraw",
                "Ask for USDC to be sent to an address; holds the amount until operators approve and the transfer confirms; accepts Idempotency-Key",
                tag: "wallet", access: .user, accepts: RequestBody.self, body: Self.requestSchema,
                returns: WithdrawalView.self,
                responses: [
                    201: "Requested", 402: "Insufficient funds", 409: "Idempotency key reused",
                    422: "Invalid amount, chain or address, or over the daily limit",
                ])
        ) { request, context in
            let id = try context.requireIdentity()
            let buffer = try await request.bodyBuffer(context: context)
            return try await Idempotency(store: store, clock: deps.clock).run(request, context: context, body: buffer) {
                let body = try request.decodeJSON(RequestBody.self, from: buffer)
                let destination: Address
                do { destination = try Address(parsing: body.to.trimmingCharacters(in: .whitespaces)) } catch {
                    throw APIError.validation("to: \(error)", field: "to")
                }
                guard let source = Withdrawal.Source(rawValue: body.source ?? "available") else {
                    throw APIError.validation("source must be available or earnings", field: "source")
                }
                let (chain, policy, now) = (
                    deps.withdrawalChains[body.chain_id], deps.withdrawals.policy, deps.clock.epochSeconds
                )
                let w = try await store.requestWithdrawal(userID: id.userID, now: now) { today in
                    try WithdrawalLifecycle.request(
                        id: TimeOrderedID.make(at: deps.clock.now), userID: id.userID, source: source,
                        amount: body.amount,
                        chainID: body.chain_id, destination: destination, chain: chain, policy: policy,
                        requestedToday: today, now: now)
                }
                return (.created, try encodeJSON(WithdrawalView(w, deps: deps)))
            }
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/wallets/withdrawals", "The caller's withdrawals, newest first", tag: "wallet",
                access: .user, returns: Page<WithdrawalView>.self, query: ["limit", "cursor"])
        ) { request, context in
            let id = try context.requireIdentity()
            let limit = try request.limit()
            let list = try await store.withdrawals(
                userID: id.userID, after: try Cursor.decode(request.queryString("cursor")), limit: limit + 1)
            let page = list.prefix(limit).map { WithdrawalView($0, deps: deps) }
            return try .json(
                Page(items: Array(page), next_cursor: list.count > limit ? page.last.map { Cursor.encode($0.id) } : nil)
            )
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/wallets/withdrawals/{id}", "One of the caller's withdrawals", tag: "wallet",
                access: .user, returns: WithdrawalView.self,
                responses: [200: "The withdrawal", 404: "No such withdrawal of yours"])
        ) { _, context in
            let id = try context.requireIdentity()
            guard let w = try await store.withdrawal(id: try context.parameters.require("id")), w.userID == id.userID
            else { throw APIError.notFound("withdrawal") }
            return try .json(WithdrawalView(w, deps: deps))
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/wallets/withdrawals/{id}/cancel",
                "Cancel a withdrawal no operator has acted on yet; releases the hold; accepts Idempotency-Key",
                tag: "wallet", access: .user, returns: WithdrawalView.self,
                responses: [200: "Cancelled", 404: "No such withdrawal of yours", 409: "Already approved or finished"])
        ) { request, context in
            let id = try context.requireIdentity()
            let withdrawalID = try context.parameters.require("id")
            let buffer = try await request.bodyBuffer(context: context)
            return try await Idempotency(store: store, clock: deps.clock).run(request, context: context, body: buffer) {
                let now = deps.clock.epochSeconds
                let w = try await store.changeWithdrawal(id: withdrawalID) {
                    try WithdrawalLifecycle.cancel($0, by: id.userID, now: now)
                }
                return (.ok, try encodeJSON(WithdrawalView(w, deps: deps)))
            }
        }
    }
}

extension WithdrawalRefusal {
    var apiError: APIError {
        switch self {
        case .invalid(let field, _): .validation(description, field: field)
        case .chainUnavailable:
            APIError(
                .unprocessableContent, code: "chain_unavailable", message: description,
                details: ["chain_id": description])
        case .dailyLimit(_, let remaining):
            APIError(
                .unprocessableContent, code: "daily_limit_exceeded", message: description,
                details: ["remaining": remaining.description])
        case .notFound: .notFound("withdrawal")
        case .notAllowed, .alreadyApproved, .ownWithdrawal:
            APIError(.conflict, code: "invalid_transition", message: description)
        }
    }
}

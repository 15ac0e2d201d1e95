import Brokerage
import Ethereum
import Foundation
import Hummingbird
import Storage
import Timekeeping

/// `/api/v1/wallets`: balances, history, spending, simulated deposits.
struct WalletRoutes {
    let deps: AppDependencies
    var store: SQLStore { deps.store }

    struct BalanceView: Codable {
        let available: USDC
        let held: USDC
        let earnings: USDC
        let total_deposited: USDC
        let total_withdrawn: USDC
        let total_spent: USDC
        let total_earned: USDC
        let simulated: Bool
    }

    struct EntryView: Codable {
        let id: String
        let transaction_id: String
        let type: String
        let account: String
        let amount: USDC
        let balance_after: USDC
        let references: [String: String]
        let simulated: Bool
        let created_at: String
    }

    struct DepositBody: Decodable { let amount: USDC }

    struct DepositView: Codable {
        let transaction_id: String
        let amount: USDC
        let available: USDC
        var simulated = true
        let created_at: String
    }

    struct AnalyticsView: Codable {
        struct Day: Codable {
            let date: String
            let total: USDC
            let by_category: [String: USDC]
        }
        let days: Int
        let total_spent: USDC
        let by_category: [String: USDC]
        let daily: [Day]
    }

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .get, "/api/v1/wallets/balance", "The caller's balances and totals", tag: "wallet", access: .user,
                returns: BalanceView.self)
        ) { _, context in
            let id = try context.requireIdentity()
            let s = try await store.summary(userID: id.userID)
            return try .json(
                BalanceView(
                    available: s.available, held: s.held, earnings: s.earnings, total_deposited: s.totalDeposited,
                    total_withdrawn: s.totalWithdrawn, total_spent: s.totalSpent, total_earned: s.totalEarned,
                    simulated: deps.simulation))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/wallets/transactions",
                "Ledger history of the caller's accounts, newest first, with balance_after", tag: "wallet",
                access: .user, returns: Page<EntryView>.self, query: ["type", "limit", "cursor"])
        ) { request, context in
            let id = try context.requireIdentity()
            let limit = try request.limit()
            var kind: LedgerTransaction.Kind?
            if let type = request.queryString("type") {
                guard let k = LedgerTransaction.Kind(rawValue: type) else {
                    throw APIError.validation(
                        "type must be one of \(LedgerTransaction.Kind.allCases.map(\.rawValue).joined(separator: ", "))",
                        field: "type")
                }
                kind = k
            }
            let after = try Cursor.decode(request.queryString("cursor")).map { key -> Int64 in
                guard let n = Int64(key) else {
                    throw APIError.validation("cursor is not one this server issued", field: "cursor")
                }
                return n
            }
            let entries = try await store.history(userID: id.userID, kind: kind, after: after, limit: limit + 1)
            let page = entries.prefix(limit).map {
                EntryView(
                    id: String($0.id), transaction_id: $0.transactionID, type: $0.kind.rawValue,
                    account: $0.account.rawValue,
                    amount: $0.amount, balance_after: $0.balanceAfter, references: $0.references,
                    simulated: $0.kind == .simulatedDeposit, created_at: RFC3339.format($0.createdAt))
            }
            return try .json(
                Page(
                    items: Array(page),
                    next_cursor: entries.count > limit ? page.last.map { Cursor.encode($0.id) } : nil))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/wallets/analytics", "Spending per day and per category over the last N days",
                tag: "wallet",
                access: .user, returns: AnalyticsView.self, query: ["days"])
        ) { request, context in
            let id = try context.requireIdentity()
            let days =
                try request.queryString("days").map { text -> Int in
                    guard let d = Int(text), (1...365).contains(d) else {
                        throw APIError.validation("days must be from 1 to 365", field: "days")
                    }
                    return d
                } ?? 30
            let now = deps.clock.epochSeconds
            let since = now - now % 86400 - Int64(days - 1) * 86400
            let buckets = try await store.spending(userID: id.userID, since: since)
            var byCategory: [String: USDC] = [:]
            var daily: [Int64: [String: USDC]] = [:]
            for b in buckets {
                byCategory[b.kind.rawValue] = try (byCategory[b.kind.rawValue] ?? .zero).adding(b.amount)
                daily[b.day, default: [:]][b.kind.rawValue] = b.amount
            }
            let series = try (0..<days).map { i -> AnalyticsView.Day in
                let day = since + Int64(i) * 86400
                let cats = daily[day] ?? [:]
                return AnalyticsView.Day(
                    date: String(RFC3339.format(day).prefix(10)),
                    total: try cats.values.reduce(USDC.zero) { try $0.adding($1) }, by_category: cats)
            }
            return try .json(
                AnalyticsView(
                    days: days, total_spent: try byCategory.values.reduce(USDC.zero) { try $0.adding($1) },
                    by_category: byCategory,
                    daily: series))
        }

        api.add(
            RouteSpec(
                .post, "/api/v1/wallets/deposit",
                "Simulated deposit (only where simulation is enabled); accepts Idempotency-Key",
                tag: "wallet", access: .user,
                accepts: DepositBody.self,
                body: [
                    "type": "object", "required": ["amount"],
                    "properties": ["amount": USDC.requestSchema(example: "100.00")],
                ],
                returns: DepositView.self,
                responses: [201: "Credited (simulated)", 403: "Simulation is off", 409: "Idempotency key reused"])
        ) { request, context in
            let id = try context.requireIdentity()
            guard deps.simulation else {
                throw APIError(
                    .forbidden, code: "simulation_disabled",
                    message: "simulated deposits are off here; deposit USDC on-chain (see /api/v1/wallets/deposit-info)"
                )
            }
            let buffer = try await request.bodyBuffer(context: context)
            return try await Idempotency(store: store, clock: deps.clock).run(request, context: context, body: buffer) {
                let body = try request.decodeJSON(DepositBody.self, from: buffer)
                let now = deps.clock.epochSeconds
                let txID = "simdep:\(UUID().uuidString.lowercased())"
                try await store.post(
                    try SimulatedDeposit.credit(
                        body.amount, to: id.userID, id: txID, alongsideChains: !deps.chains.isEmpty, at: now))
                let available = try await store.balance(of: .available(user: id.userID))
                return (
                    .created,
                    try encodeJSON(
                        DepositView(
                            transaction_id: txID, amount: body.amount, available: available,
                            created_at: RFC3339.format(now)))
                )
            }
        }
    }
}

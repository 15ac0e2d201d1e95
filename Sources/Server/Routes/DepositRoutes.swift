import Brokerage
import ChainWatcher
import Ethereum
import Hummingbird
import Storage
import Timekeeping

/// `/api/v1/wallets/deposit-info` and `/deposits`: where to send USDC on chain, and what
/// the watchers have seen arrive from the caller's linked addresses.
struct DepositRoutes {
    let deps: AppDependencies
    var store: SQLStore { deps.store }

    struct InfoView: Codable {
        let chain_id: Int
        let chain: String
        var token = "USDC"
        let token_address: String
        let deposit_address: String
        let confirmations_required: Int
        let linked_addresses: [String]
    }

    struct DepositView: Codable {
        let chain_id: Int
        let tx_hash: String
        let log_index: UInt64
        let block_number: UInt64
        let from: String
        let amount: USDC
        let status: String
        let confirmations: Int?
        let confirmations_required: Int?
        let updated_at: String
    }

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .get, "/api/v1/wallets/deposit-info",
                "Where to send USDC for a watched chain, and the caller's linked addresses",
                tag: "wallet", access: .user, returns: InfoView.self,
                responses: [200: "Deposit instructions", 404: "Chain not watched"],
                query: ["chain_id"])
        ) { request, context in
            let id = try context.requireIdentity()
            let chain = try chain(for: request)
            let linked = try await store.linkedAddresses(userID: id.userID)
            return try .json(
                InfoView(
                    chain_id: chain.chainID, chain: chain.name, token_address: chain.usdc.checksummed,
                    deposit_address: chain.depositAddress.checksummed, confirmations_required: chain.confirmations,
                    linked_addresses: linked.map(\.address.checksummed)))
        }

        api.add(
            RouteSpec(
                .get, "/api/v1/wallets/deposits",
                "On-chain deposits from the caller's linked addresses: pending with confirmations, or credited",
                tag: "wallet", access: .user, returns: Page<DepositView>.self, query: ["limit", "cursor"])
        ) { request, context in
            // `{items, next_cursor}` like every list. Pending deposits come first, then
            // credited ones, newest first, from two tables; the cursor holds how many
            // items earlier pages showed (a deposit arriving meanwhile can repeat one
            // item on the next page, never hide one).
            let id = try context.requireIdentity()
            let limit = try request.limit()
            let shown =
                try Cursor.decode(request.queryString("cursor")).map { text -> Int in
                    guard let n = Int(text), (0...Self.deepestPage).contains(n) else {
                        throw APIError.validation("cursor is not one this server issued", field: "cursor")
                    }
                    return n
                } ?? 0
            let records = try await store.deposits(userID: id.userID, limit: shown + limit + 1)
            let page = records.dropFirst(shown).prefix(limit).map(view)
            let more = records.count > shown + limit
            return try .json(Page(items: Array(page), next_cursor: more ? Cursor.encode(String(shown + limit)) : nil))
        }
    }

    /// Items earlier pages may have shown: a cursor is a count the server issued, and a
    /// forged one must neither overflow nor make a page read the whole table.
    static let deepestPage = 100_000

    /// The chain named by `chain_id`, or the only watched one when it is omitted.
    func chain(for request: Request) throws -> ChainConfiguration {
        guard !deps.chains.isEmpty else {
            throw APIError(
                .notFound, code: "chain_not_watched",
                message:
                    "no chain is watched here (simulated mode); use POST /api/v1/wallets/deposit for simulated funds")
        }
        guard let text = request.queryString("chain_id") else {
            if deps.chains.count == 1 { return deps.chains[0] }
            throw APIError.validation(
                "chain_id is required: one of \(deps.chains.map { "\($0.chainID)" }.joined(separator: ", "))",
                field: "chain_id")
        }
        guard let id = Int(text) else { throw APIError.validation("chain_id must be a number", field: "chain_id") }
        guard let chain = deps.chains.first(where: { $0.chainID == id }) else {
            throw APIError(
                .notFound, code: "chain_not_watched",
                message:
                    "chain \(id) is not watched here; watched: \(deps.chains.map { "\($0.chainID)" }.joined(separator: ", "))"
            )
        }
        return chain
    }

    func view(_ r: DepositRecord) -> DepositView {
        // Credited deposits keep counting confirmations while the watcher sees the head.
        let confirmations =
            r.confirmations
            ?? deps.watchers.status(chainID: r.key.chainID)?.head.map { head in
                head.number >= r.block.number ? Int(head.number - r.block.number + 1) : 0
            }
        let required = r.required ?? deps.chains.first { $0.chainID == r.key.chainID }?.confirmations
        return DepositView(
            chain_id: r.key.chainID, tx_hash: r.key.transactionHash.description, log_index: r.key.logIndex,
            block_number: r.block.number,
            from: r.from.checksummed, amount: r.amount, status: r.status == .assigned ? "credited" : r.status.rawValue,
            confirmations: confirmations, confirmations_required: required, updated_at: RFC3339.format(r.at))
    }
}

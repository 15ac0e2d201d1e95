import ChainWatcher
import Ethereum
import Foundation
import Hummingbird
import JSON
import Payouts
import Storage

/// Liveness, readiness, metrics and the API's own description.
struct OpsRoutes {
    let store: SQLStore
    let metrics: MetricsExporter
    let table: RouteTable
    let version: String
    let chains: [ChainConfiguration]
    let watchers: WatcherStatusBoard
    let senders: SenderStatusBoard

    struct ChainView: Codable {
        let chain_id: Int
        /// watching, standby (another replica holds the lease), halted (incident open), or
        /// misconfigured (its node serves another chain; see `problem`).
        let state: String
        let head: UInt64?
        let cursor: UInt64?
        let incident: String?
        let problem: String?
        /// The withdrawal sender, where this chain has a hot wallet.
        let payouts: PayoutView?
    }

    struct PayoutView: Codable {
        let hot_wallet: String
        /// sending, standby (another replica holds the lease), or flagged (see `problems`).
        let state: String
        let usdc: USDC?
        let native_wei: String?
        /// What keeps withdrawals waiting: the hot wallet short of funds, the fee cap reached.
        let problems: [String]
    }

    struct ReadyView: Codable {
        let status: String
        let database: String
        let chains: [ChainView]
    }

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .get, "/health", "Liveness: the process answers", tag: "operations", returns: [String: String].self)
        ) { _, _ in
            try .json(["status": "ok"])
        }
        api.add(
            RouteSpec(
                .get, "/ready",
                "Readiness: the database answers; chains halted by an incident or pointed at the wrong network are listed",
                tag: "operations", returns: ReadyView.self, returnsOn: [503],
                responses: [200: "Ready (status degraded when a chain is halted or misconfigured)", 503: "Not ready"])
        ) { _, context in
            var chainViews: [ChainView] = []
            do {
                try await store.ping()
                for chain in chains {
                    let incident = try await store.openIncident(chainID: chain.chainID)
                    let live = watchers.status(chainID: chain.chainID)
                    let refusal = watchers.refusal(chainID: chain.chainID)
                    let state =
                        incident != nil
                        ? "halted" : refusal != nil ? "misconfigured" : live == nil ? "standby" : "watching"
                    let sender = senders.status(chainID: chain.chainID)
                    chainViews.append(
                        ChainView(
                            chain_id: chain.chainID, state: state, head: live?.head?.number,
                            cursor: live?.cursor?.number,
                            incident: incident?.description, problem: refusal,
                            payouts: sender.map {
                                PayoutView(
                                    hot_wallet: $0.hotWallet.checksummed,
                                    state: $0.problems.isEmpty ? "sending" : "flagged", usdc: $0.usdc,
                                    native_wei: $0.native?.description, problems: $0.problems)
                            }))
                }
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return try .json(
                    ReadyView(status: "not_ready", database: "unavailable", chains: []), status: .serviceUnavailable)
            }
            let degraded = chainViews.contains {
                $0.state == "halted" || $0.state == "misconfigured" || $0.payouts?.state == "flagged"
            }
            return try .json(ReadyView(status: degraded ? "degraded" : "ready", database: "ok", chains: chainViews))
        }
        api.add(
            RouteSpec(.get, "/metrics", "Prometheus metrics", tag: "operations", produces: "text/plain; version=0.0.4")
        ) { _, _ in
            .text(metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        api.add(
            RouteSpec(
                .get, "/api/v1/openapi.json", "This API as an OpenAPI 3.1 document", tag: "operations",
                returns: JSONValue.self)
        ) {
            _, _ in
            try .json(OpenAPIDocument.build(routes: table.all, version: version))
        }
        api.add(
            RouteSpec(.get, "/api/v1/docs", "This API as a readable page", tag: "operations", produces: "text/html")
        ) { _, _ in
            var page = Response.text(
                DocsPage.render(OpenAPIDocument.build(routes: table.all, version: version)),
                contentType: "text/html; charset=utf-8")
            // Its one inline style sheet; no script at all.
            page.headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
            return page
        }
    }
}

import ChainWatcher
import Foundation
import Hummingbird
import Storage

/// Liveness, readiness, metrics and the API's own description.
struct OpsRoutes {
    let store: SQLStore
    let metrics: MetricsExporter
    let table: RouteTable
    let version: String
    let chains: [ChainConfiguration]
    let watchers: WatcherStatusBoard

    struct ChainView: Encodable {
        let chain_id: Int
        /// watching, standby (another replica holds the lease), or halted (incident open).
        let state: String
        let head: UInt64?
        let cursor: UInt64?
        let incident: String?
    }

    struct ReadyView: Encodable {
        let status: String
        let database: String
        let chains: [ChainView]
    }

    func register(on api: APIRouter) {
        api.add(RouteSpec(.get, "/health", "Liveness: the process answers", tag: "operations")) { _, _ in
            try .json(["status": "ok"])
        }
        api.add(
            RouteSpec(
                .get, "/ready", "Readiness: the database answers; chains whose crediting an incident stopped are listed", tag: "operations",
                responses: [200: "Ready (status degraded when a chain is halted)", 503: "Not ready"])
        ) { _, context in
            var chainViews: [ChainView] = []
            do {
                try await store.ping()
                for chain in chains {
                    let incident = try await store.openIncident(chainID: chain.chainID)
                    let live = watchers.status(chainID: chain.chainID)
                    chainViews.append(
                        ChainView(
                            chain_id: chain.chainID, state: incident != nil ? "halted" : live == nil ? "standby" : "watching",
                            head: live?.head?.number, cursor: live?.cursor?.number, incident: incident?.description))
                }
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return try .json(ReadyView(status: "not_ready", database: "unavailable", chains: []), status: .serviceUnavailable)
            }
            let halted = chainViews.contains { $0.state == "halted" }
            return try .json(ReadyView(status: halted ? "degraded" : "ready", database: "ok", chains: chainViews))
        }
        api.add(RouteSpec(.get, "/metrics", "Prometheus metrics", tag: "operations")) { _, _ in
            .text(metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        api.add(RouteSpec(.get, "/api/v1/openapi.json", "This API as an OpenAPI 3.1 document", tag: "operations")) { _, _ in
            try .json(OpenAPIDocument.build(routes: table.all, version: version))
        }
        api.add(RouteSpec(.get, "/api/v1/docs", "This API as a readable page", tag: "operations")) { _, _ in
            .text(DocsPage.render(OpenAPIDocument.build(routes: table.all, version: version)), contentType: "text/html; charset=utf-8")
        }
    }
}

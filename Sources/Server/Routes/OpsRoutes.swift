import Foundation
import Hummingbird
import Storage

/// Liveness, readiness, metrics and the API's own description.
struct OpsRoutes {
    let store: SQLStore
    let metrics: MetricsExporter
    let table: RouteTable
    let version: String

    func register(on api: APIRouter) {
        api.add(RouteSpec(.get, "/health", "Liveness: the process answers", tag: "operations")) { _, _ in
            try .json(["status": "ok"])
        }
        api.add(RouteSpec(.get, "/ready", "Readiness: the database answers", tag: "operations", responses: [200: "Ready", 503: "Not ready"])) { _, context in
            do {
                try await store.ping()
                return try .json(["status": "ready", "database": "ok"])
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return try .json(["status": "not_ready", "database": "unavailable"], status: .serviceUnavailable)
            }
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

import Brokerage
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Storage
import Timekeeping

/// Logs each request once with its id, method, path, status and duration. Headers are
/// not logged at all, so the Authorization header can never leak; the id is echoed in
/// `X-Request-Id` for support. The logger only gets `request.id` when the client sent its
/// own id (otherwise Hummingbird's `hb.request.id` is the id), and the per-status
/// counters are made once: this runs on every request. It also records how long each
/// request waited for database connections (``DatabaseWait``): the figure that shows a
/// request queued behind a write.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let given = request.headers[.xRequestID], given.count <= 64,
            given.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
        {
            context.requestID = given
            context.logger[metadataKey: "request.id"] = "\(given)"
        }
        let start = ContinuousClock.now
        let waited = DatabaseWait()
        var response = try await DatabaseWait.$current.withValue(waited) { try await next(request, context) }
        let status = response.status
        Self.databaseWait.recordNanoseconds(waited.total.wholeNanoseconds)
        response.headers[.xRequestID] = context.requestID
        let elapsed = ContinuousClock.now - start
        let ms = elapsed.seconds * 1000
        context.logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(request.uri.path)",
                "http.status": "\(status.code)", "http.duration_ms": "\(Int(ms))",
            ])
        Self.requests[min(max(status.code / 100, 1), 5) - 1].increment()
        return response
    }

    private static let requests: [Counter] = {
        _ = MetricsExporter.shared  // the registry first, so these are not no-op counters
        return (1...5).map { Counter(label: "gp4u_http_requests_total", dimensions: [("status", "\($0)xx")]) }
    }()

    private static let databaseWait: Metrics.Timer = {
        _ = MetricsExporter.shared
        return Metrics.Timer(label: "gp4u_http_request_db_wait_seconds", preferredDisplayUnit: .seconds)
    }()
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
}

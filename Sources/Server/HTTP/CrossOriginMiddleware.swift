import HTTPTypes
import Hummingbird

/// CORS by ``CORSPolicy``, and `OPTIONS` for every route: a preflight from an allowed
/// origin gets the methods and headers it may use; any other `OPTIONS` gets 204 with
/// `Allow` (and, from a disallowed origin, no CORS header, so the browser refuses).
/// Allowed origins also see error bodies and the headers clients act on.
struct CrossOriginMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let policy: CORSPolicy
    let routes: RouteTable

    static let allowedHeaders = "Authorization, Content-Type, Idempotency-Key, X-Request-Id"
    static let exposedHeaders = "Retry-After, X-Request-Id, Idempotent-Replayed, ETag, Location"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let origin = request.headers[.origin]
        let allowed = origin.flatMap { policy.allowOrigin(for: $0) }
        if request.method == .options {
            let methods = routes.methods(forPath: request.uri.path)
            guard !methods.isEmpty else { return try await next(request, context) }
            var headers: HTTPFields = [.allow: (methods + ["OPTIONS"]).joined(separator: ", ")]
            if let allowed, request.headers[.accessControlRequestMethod] != nil {
                headers[.accessControlAllowOrigin] = allowed
                headers[.accessControlAllowMethods] = methods.joined(separator: ", ")
                headers[.accessControlAllowHeaders] = Self.allowedHeaders
                headers[.accessControlMaxAge] = "600"
            }
            if !policy.isOff { headers[.vary] = "Origin" }
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if let allowed {
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        if !policy.isOff, !policy.anyOrigin { response.headers[.vary] = "Origin" }
        return response
    }
}

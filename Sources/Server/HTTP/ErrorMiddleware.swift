import Hummingbird
import Logging

/// Every failure below it leaves as the contract's JSON error response, so the
/// middlewares around it (logging, CORS, security headers) see only responses. Unknown
/// routes become 404, known paths with another method 405 (with `Allow`), and anything
/// unexpected a logged 500 that tells the client nothing internal.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return try apiError(for: error, request: request, context: context).response(
                from: request, context: context)
        }
    }

    private func apiError(for error: any Error, request: Request, context: Context) -> APIError {
        if let error = error as? HTTPError, error.status == .notFound {
            let allowed = routes.methods(forPath: request.uri.path)
            if !allowed.isEmpty {
                return APIError(
                    .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: ", "))",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
            return APIError(
                .notFound, code: "not_found", message: "no route \(request.method.rawValue) \(request.uri.path)")
        }
        if let mapped = ErrorMapping.apiError(for: error) {
            // A mapped 5xx (the database is down) tells the client little on purpose;
            // the operator needs the cause.
            if mapped.status.code >= 500 {
                context.logger.warning("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return mapped
        }
        context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
        return APIError(
            .internalServerError, code: "internal_error",
            message: "internal error; the request id is \(context.requestID)")
    }
}

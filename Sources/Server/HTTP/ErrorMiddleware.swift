import Hummingbird
import Logging

/// Outermost middleware: every failure leaves as the contract's JSON error. Unknown
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
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(forPath: request.uri.path)
            if !allowed.isEmpty {
                throw APIError(
                    .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: ", "))",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
            throw APIError(
                .notFound, code: "not_found", message: "no route \(request.method.rawValue) \(request.uri.path)")
        } catch {
            if let mapped = ErrorMapping.apiError(for: error) {
                // A mapped 5xx (the database is down) tells the client little on purpose;
                // the operator needs the cause.
                if mapped.status.code >= 500 {
                    context.logger.warning("request failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                throw mapped
            }
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError(
                .internalServerError, code: "internal_error",
                message: "internal error; the request id is \(context.requestID)")
        }
    }
}

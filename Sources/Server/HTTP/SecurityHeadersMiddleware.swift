import HTTPTypes
import Hummingbird

/// The usual security headers on every answer, errors included, unless a route set its
/// own (the web app's pages carry a CSP that lets their scripts run): JSON needs no
/// script, style or frame. Anything but a read is never cached (`no-store`), so a login's
/// token or a wallet's state stays out of shared caches; private reads are marked by the
/// route table (``APIRouter``).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let defaults: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "no-referrer",
        .xFrameOptions: "DENY",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        for field in Self.defaults where response.headers[field.name] == nil {
            response.headers[field.name] = field.value
        }
        if request.method != .get, request.method != .head, response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

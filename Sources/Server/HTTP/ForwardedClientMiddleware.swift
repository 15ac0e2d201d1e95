import Hummingbird

/// Behind trusted reverse proxies, takes the client's address from `X-Forwarded-For`
/// (see ``TrustedProxies``), so per-address limits count visitors, not the proxy.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.clientIP = proxies.clientAddress(
            peer: context.clientIP, forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

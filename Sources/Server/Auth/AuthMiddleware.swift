import Hummingbird

/// Resolves `Authorization: Bearer <token>` to an identity. A request without the header
/// stays anonymous (public routes serve it; private ones answer 401); a request with a
/// bad or expired token is refused at once, so clients learn to log in again.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(
                .unauthorized, code: "invalid_token", message: "use Authorization: Bearer <token>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let identity = try await accounts.identity(forToken: String(parts[1])) else {
            throw APIError(
                .unauthorized, code: "invalid_token", message: "token is invalid or expired; log in again",
                headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "user.id"] = "\(identity.userID)"
        return try await next(request, context)
    }
}

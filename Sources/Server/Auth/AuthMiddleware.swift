import Hummingbird

/// Resolves `Authorization: Bearer <token>` to an identity. A request without the header
/// stays anonymous (public routes serve it; private ones answer 401). A bad or expired
/// token is remembered, not refused here: public routes (`/health`, search) still answer,
/// and a private route answers 401 `invalid_token`, so clients learn to log in again.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        var context = context
        let parts = header.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].lowercased() == "bearer" {
            if let identity = try await accounts.identity(forToken: String(parts[1])) {
                context.identity = identity
                context.logger[metadataKey: "user.id"] = "\(identity.userID)"
            } else {
                context.tokenProblem = APIError(
                    .unauthorized, code: "invalid_token", message: "token is invalid or expired; log in again",
                    headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
            }
        } else {
            context.tokenProblem = APIError(
                .unauthorized, code: "invalid_token", message: "use Authorization: Bearer <token>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }
}

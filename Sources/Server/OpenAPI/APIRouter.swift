import Hummingbird

/// Registers a route and its spec together. Every API route goes through here.
struct APIRouter {
    let router: Router<AppRequestContext>
    let table: RouteTable

    func add(
        _ spec: RouteSpec,
        handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        table.append(spec)
        router.on(RouterPath(spec.routerPath), method: spec.method) { request, context in
            switch spec.access {
            case .public: return try await handler(request, context)
            case .user: _ = try context.requireIdentity()
            case .operator: _ = try context.require(role: .operator)
            }
            // A private answer is the caller's alone: no shared or browser cache keeps it.
            var response = try await handler(request, context)
            if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
            return response
        }
    }
}

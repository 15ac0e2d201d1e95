import Hummingbird
import Logging

/// Builds the router with every route, recording each in a `RouteTable`; shared by the
/// server and the tests so they exercise the same thing.
public func buildRouter(_ deps: AppDependencies) -> (router: Router<AppRequestContext>, routes: RouteTable) {
    let table = RouteTable()
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    if deps.trustedProxies != .none {
        router.add(middleware: ForwardedClientMiddleware(proxies: deps.trustedProxies))
    }
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: CrossOriginMiddleware(policy: deps.cors, routes: table))
    router.add(middleware: ErrorMiddleware(routes: table))
    router.add(middleware: AuthMiddleware(accounts: deps.accounts))
    let api = APIRouter(router: router, table: table)
    OpsRoutes(
        store: deps.store, metrics: .shared, table: table, version: deps.version, chains: deps.chains,
        watchers: deps.watchers, senders: deps.senders
    ).register(on: api)
    AuthRoutes(accounts: deps.accounts).register(on: api)
    WalletRoutes(deps: deps).register(on: api)
    ReservationRoutes(deps: deps).register(on: api)
    ClusterRoutes(deps: deps).register(on: api)
    ProviderRoutes(deps: deps).register(on: api)
    MarketRoutes(deps: deps).register(on: api)
    PriceHistoryRoutes(deps: deps).register(on: api)
    ArbitrageRoutes(deps: deps).register(on: api)
    ProviderHealthRoutes(deps: deps).register(on: api)
    SIWERoutes(deps: deps).register(on: api)
    DepositRoutes(deps: deps).register(on: api)
    WithdrawalRoutes(deps: deps).register(on: api)
    SIWELoginRoutes(deps: deps).register(on: api)
    WebAppRoutes(assets: .bundled).register(on: api)
    return (router, table)
}

/// The HTTP application on `host:port`.
public func buildApplication(
    _ deps: AppDependencies, host: String, port: Int, logger: Logger
) -> some ApplicationProtocol {
    let (router, _) = buildRouter(deps)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "gp4u"),
        logger: logger)
}

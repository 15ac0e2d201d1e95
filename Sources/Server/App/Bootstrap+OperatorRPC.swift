import AsyncHTTPClient
import ChainWatcher
import EthereumRPC
import Logging

extension Bootstrap {
    /// JSON-RPC clients for a one-shot operator command such as `gp4u chain status`, one
    /// per chain in order: each endpoint is tried once, without connection retries and
    /// with a short deadline, so a node that is down costs at most `deadline` rather than
    /// the watcher's minute of retries. Failures show in the command's own report (one
    /// failure marks an endpoint down), so the pool logs only errors.
    public func withOperatorRPC<T: Sendable>(
        for chains: [ChainConfiguration], deadline: Duration = .seconds(3), _ body: ([RPCClient]) async throws -> T
    ) async throws -> T {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(1)
        configuration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .error)
        let clients = chains.map { chain in
            RPCClient(
                pool: RPCEndpointPool(
                    endpoints: chain.rpcEndpoints, transport: HTTPJSONRPCTransport(client: http, timeout: deadline),
                    configuration: .init(maxAttempts: chain.rpcEndpoints.count, failuresBeforeUnhealthy: 1),
                    logger: quiet))
        }
        do {
            let value = try await body(clients)
            try await http.shutdown()
            return value
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

import AsyncHTTPClient
import ChainWatcher
import Ethereum
import EthereumRPC
import Logging
import ServiceLifecycle
import Storage

/// Wires one configured chain: its JSON-RPC endpoint pool, the deposit watcher over it,
/// and the database lease that keeps the watcher on one replica.
struct ChainWatch {
    let chain: ChainConfiguration
    let db: any SQLDatabase
    let store: SQLStore
    let board: WatcherStatusBoard
    let httpClient: HTTPClient
    let logger: Logger

    /// Lease keys: "gp4u" in the high half, the chain id in the low half.
    static func leaseKey(chainID: Int) -> Int64 { 0x6770_3475 << 32 | Int64(chainID & 0xffff_ffff) }

    var service: any Service {
        let (store, board, chain) = (store, board, chain)
        let logger = {
            var l = self.logger
            l[metadataKey: "chain.id"] = "\(chain.chainID)"
            return l
        }()
        let pool = RPCEndpointPool(
            endpoints: chain.rpcEndpoints, transport: HTTPJSONRPCTransport(client: httpClient), logger: logger)
        let rpc = RPCClient(pool: pool)
        let settings = DepositWatchSettings(
            chainID: chain.chainID, usdc: chain.usdc, depositAddress: chain.depositAddress,
            confirmations: UInt64(chain.confirmations), startBlock: chain.startBlock)
        return LeasedService(
            name: "chain:\(chain.chainID)", key: Self.leaseKey(chainID: chain.chainID), db: db,
            retry: chain.pollInterval,
            work: {
                try await Self.checkChainID(rpc, expected: chain.chainID, board: board, logger: logger)
                let watcher = DepositWatcherService(
                    settings: settings, reader: RPCChainReader(rpc: rpc), ledger: store,
                    pollInterval: chain.pollInterval,
                    board: board, logger: logger)
                try await watcher.run()
            },
            logger: logger)
    }

    /// A node on another chain would credit the wrong money: refuse to watch it, and keep
    /// saying so (in the log and in `/ready`) until the operator fixes
    /// `GP4U_CHAIN_<ID>_RPC_URLS`.
    static func checkChainID(_ rpc: RPCClient, expected: Int, board: WatcherStatusBoard, logger: Logger) async throws {
        let actual = try await rpc.chainId()
        guard actual == UInt64(expected) else {
            logger.error(
                "the RPC node serves another chain; not watching",
                metadata: ["chain.expected": "\(expected)", "chain.actual": "\(actual)"])
            let error = ChainConfigError("GP4U_CHAIN_\(expected)_RPC_URLS", "the node reports chain id \(actual)")
            board.setRefusal("\(error)", chainID: expected)
            throw error
        }
        board.setRefusal(nil, chainID: expected)
    }
}

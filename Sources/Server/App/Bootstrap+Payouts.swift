import AsyncHTTPClient
import ChainWatcher
import EthereumRPC
import Foundation
import Logging
import Payouts
import ServiceLifecycle
import Signer
import Storage

#if canImport(Glibc)
    import Glibc
#endif

extension Bootstrap {
    /// Decrypts each chain's hot wallet keystore with the password in
    /// `GP4U_HOT_WALLET_PASSWORD_FILE`. A file that cannot be read or decrypted stops
    /// startup with a line naming the variable; the password never leaves this function.
    public func hotWallets() throws(ConfigError) -> [Int: HotWallet] {
        var wallets: [Int: HotWallet] = [:]
        for chain in config.chains {
            guard let path = chain.hotWalletKeystore else { continue }
            let variable = "GP4U_CHAIN_\(chain.chainID)_HOT_WALLET_KEYSTORE"
            guard let passwordFile = config.withdrawals.passwordFile else {
                throw ConfigError("GP4U_HOT_WALLET_PASSWORD_FILE", "is required with \(variable)")
            }
            var password: [UInt8]
            do { password = try Keystore.password(fromFile: passwordFile) } catch {
                throw ConfigError("GP4U_HOT_WALLET_PASSWORD_FILE", "\(error)")
            }
            defer { for i in password.indices { password[i] = 0 } }
            do {
                wallets[chain.chainID] = HotWallet(
                    chainID: chain.chainID, key: try Keystore.read(path: path, password: password))
            } catch {
                throw ConfigError(variable, "cannot open the hot wallet: \(error)")
            }
        }
        return wallets
    }

    /// The hook the sender calls between durable steps: nothing, unless
    /// `GP4U_TEST_CRASH_AT` names a ``SendCheckpoint``, for the tests that kill the
    /// process there to prove a crash never pays twice.
    static func crashHook(_ environment: [String: String]) -> @Sendable (SendCheckpoint) -> Void {
        guard let name = environment["GP4U_TEST_CRASH_AT"], let point = SendCheckpoint(rawValue: name) else {
            return { _ in }
        }
        return { reached in
            if reached == point { kill(getpid(), SIGKILL) }
        }
    }
}

/// Wires one chain's withdrawal sender: its RPC pool and the lease that keeps it on one
/// replica (a different lease from the watcher's, so the two may run on different
/// replicas).
struct ChainPayout {
    let chain: ChainConfiguration
    let wallet: HotWallet
    let config: WithdrawalConfiguration
    let db: any SQLDatabase
    let store: SQLStore
    let board: SenderStatusBoard
    let httpClient: HTTPClient
    let checkpoint: @Sendable (SendCheckpoint) -> Void
    let logger: Logger

    /// Lease keys: "gp4v" in the high half, the chain id in the low half.
    static func leaseKey(chainID: Int) -> Int64 { 0x6770_3476 << 32 | Int64(chainID & 0xffff_ffff) }

    var service: any Service {
        let rpc = RPCClient(
            pool: RPCEndpointPool(
                endpoints: chain.rpcEndpoints, transport: HTTPJSONRPCTransport(client: httpClient), logger: logger))
        let settings = WithdrawalSenderService.Settings(
            chainID: chain.chainID, token: chain.usdc,
            policy: .init(
                confirmations: chain.confirmations, replaceAfter: config.replaceAfter, maxFeeCap: chain.maxFeePerGas,
                minimumTip: chain.minimumTip, approvalsRequired: config.policy.approvalsRequired),
            interval: chain.pollInterval)
        let (wallet, store, board, checkpoint, logger) = (wallet, store, board, checkpoint, logger)
        return LeasedService(
            name: "payouts:\(chain.chainID)", key: Self.leaseKey(chainID: chain.chainID), db: db,
            retry: chain.pollInterval,
            work: {
                let sender = WithdrawalSenderService(
                    settings: settings, wallet: wallet, rpc: rpc, store: store, board: board, checkpoint: checkpoint,
                    logger: logger)
                try await sender.run()
            },
            logger: logger)
    }
}

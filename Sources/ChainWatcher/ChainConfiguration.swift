import Ethereum
import EthereumRPC

/// Everything needed to watch one chain for USDC deposits, validated at startup.
///
/// Built by ``fromEnvironment(_:)`` from `GP4U_CHAINS` and the per-chain
/// `GP4U_CHAIN_<ID>_*` variables, with the defaults of ``Chain/known``. RPC URLs are
/// held as ``RPCEndpoint``s, whose printable form hides paths and queries (API keys).
public struct ChainConfiguration: Sendable, Hashable {
    public var chainID: Int
    /// Display name ("Polygon PoS", or "Dev chain 1337").
    public var name: String
    /// Endpoints in preference order; the first healthy one is used.
    public var rpcEndpoints: [RPCEndpoint]
    /// The USDC contract: only its Transfer logs count.
    public var usdc: Address
    /// The hot wallet deposits are sent to.
    public var depositAddress: Address
    /// Blocks a transfer needs, counting its own block as 1.
    public var confirmations: Int
    /// Time between polls of the head.
    public var pollInterval: Duration
    /// First block to scan on the very first start; `nil` means the head at that moment
    /// (deposits made before GP4U watched the chain are not credited).
    public var startBlock: UInt64?

    public init(
        chainID: Int, name: String, rpcEndpoints: [RPCEndpoint], usdc: Address, depositAddress: Address,
        confirmations: Int,
        pollInterval: Duration, startBlock: UInt64? = nil
    ) {
        self.chainID = chainID
        self.name = name
        self.rpcEndpoints = rpcEndpoints
        self.usdc = usdc
        self.depositAddress = depositAddress
        self.confirmations = confirmations
        self.pollInterval = pollInterval
        self.startBlock = startBlock
    }

    /// The poll interval when none is configured: about one block on each network
    /// (12 s on Ethereum and Sepolia, 2 s on Polygon and Amoy, 1 s on a dev chain).
    public static func defaultPollInterval(chainID: Int) -> Duration {
        switch chainID {
        case 1, 11_155_111: .seconds(12)
        case 137, 80_002: .seconds(2)
        default: .seconds(1)
        }
    }
}

/// A chain setting is invalid: names the variable and what to change, never echoing an
/// RPC URL (it may hold an API key).
public struct ChainConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public let variable: String
    public let problem: String

    public init(_ variable: String, _ problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}

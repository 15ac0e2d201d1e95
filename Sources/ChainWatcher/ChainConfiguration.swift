import BigInt
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
    /// The keystore v3 file of the hot wallet that signs withdrawals on this chain; nil
    /// when withdrawals are not paid out here.
    public var hotWalletKeystore: String?
    /// The highest max fee per gas a withdrawal is ever signed with, in wei.
    public var maxFeePerGas: BigUInt
    /// The smallest priority fee the chain's validators accept, in wei.
    public var minimumTip: BigUInt

    public init(
        chainID: Int, name: String, rpcEndpoints: [RPCEndpoint], usdc: Address, depositAddress: Address,
        confirmations: Int,
        pollInterval: Duration, startBlock: UInt64? = nil, hotWalletKeystore: String? = nil,
        maxFeePerGas: BigUInt? = nil
    ) {
        self.chainID = chainID
        self.name = name
        self.rpcEndpoints = rpcEndpoints
        self.usdc = usdc
        self.depositAddress = depositAddress
        self.confirmations = confirmations
        self.pollInterval = pollInterval
        self.startBlock = startBlock
        self.hotWalletKeystore = hotWalletKeystore
        self.maxFeePerGas = maxFeePerGas ?? Self.defaultMaxFeeGwei(chainID: chainID) * Self.gwei
        self.minimumTip = Self.minimumTip(chainID: chainID)
    }

    public static let gwei: BigUInt = 1_000_000_000

    /// The fee cap when none is configured, in gwei: several times a busy day's fees on
    /// each network, so only a fee spike makes withdrawals wait.
    public static func defaultMaxFeeGwei(chainID: Int) -> BigUInt {
        switch chainID {
        case 1, 11_155_111: 300
        case 137, 80_002: 3_000
        default: 1_000
        }
    }

    /// Polygon's validators refuse priority fees under 25 gwei (the error names
    /// "minimum needed 25000000000"); elsewhere the node's suggestion stands.
    public static func minimumTip(chainID: Int) -> BigUInt {
        switch chainID {
        case 137, 80_002: 25 * gwei
        default: 0
        }
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

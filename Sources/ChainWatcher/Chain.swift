/// A network we can watch for USDC deposits, with Circle's native USDC address and a
/// confirmation depth per chain. Operators override any value by environment.
public struct Chain: Sendable, Hashable {
    public let id: Int
    public let name: String
    /// The native USDC contract (6 decimals on all of them).
    public let usdc: String
    /// Blocks a transfer needs, counting its own block as 1.
    public let confirmations: Int

    public init(id: Int, name: String, usdc: String, confirmations: Int) {
        self.id = id
        self.name = name
        self.usdc = usdc
        self.confirmations = confirmations
    }

    /// Ethereum, Polygon PoS and their testnets. Mumbai (80001) is gone; Amoy replaced it.
    public static let known: [Chain] = [
        Chain(id: 1, name: "Ethereum", usdc: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", confirmations: 12),
        Chain(id: 137, name: "Polygon PoS", usdc: "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", confirmations: 128),
        Chain(id: 11_155_111, name: "Sepolia", usdc: "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238", confirmations: 3),
        Chain(id: 80_002, name: "Polygon Amoy", usdc: "0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582", confirmations: 10),
    ]

    /// Confirmations for a local dev chain, whose id and token the operator supplies.
    public static let devChainConfirmations = 2

    public static func known(id: Int) -> Chain? { known.first { $0.id == id } }
}

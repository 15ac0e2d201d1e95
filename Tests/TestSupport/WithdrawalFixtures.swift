import Brokerage
import Ethereum

/// Addresses, a chain and signed-transaction stand-ins shared by the withdrawal suites.
public enum WithdrawalFixtures {
    public static let token = try! Address(parsing: "0x5FbDB2315678afecb367f032d93F642f64180aa3")
    public static let hot = try! Address(parsing: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    public static let depositAddress = try! Address(parsing: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
    public static let recipient = try! Address(parsing: "0x90F79bf6EB2c4f870365E785982E1f101E93b906")
    /// Chain 1337 paid from `hot`, deposits to `depositAddress`.
    public static let chain = WithdrawalChain(
        chainID: 1337, token: token, ownAddresses: [hot, depositAddress], simulated: false)

    /// A stored transaction whose hash is 32 bytes of `tag`.
    public static func attempt(_ tag: UInt8, maxFee: BigUInt = 100, tip: BigUInt = 10, signedAt: Int64 = 1_800_000_000)
        -> WithdrawalAttempt
    {
        WithdrawalAttempt(
            hash: try! Hash32(bytes: [UInt8](repeating: tag, count: 32)), raw: [0x02, tag], maxFeePerGas: maxFee,
            maxPriorityFeePerGas: tip, gasLimit: 70_000, signedAt: signedAt)
    }
}

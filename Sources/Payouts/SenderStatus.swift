import Ethereum
import Synchronization

/// What a chain's withdrawal sender last saw: the hot wallet, its balances, and what
/// keeps withdrawals waiting. `/ready` and operators read it.
public struct SenderStatus: Sendable, Hashable {
    public var chainID: Int
    public var hotWallet: Address
    /// Base units of USDC and wei; nil until read.
    public var usdc: USDC?
    public var native: BigUInt?
    /// The chain head at the last tick.
    public var head: UInt64?
    /// Why withdrawals are waiting (hot wallet short, fee cap reached, node refusals),
    /// one line each; empty when none are.
    public var problems: [String] = []
    public var lastTickAt: Int64?

    public init(chainID: Int, hotWallet: Address) {
        self.chainID = chainID
        self.hotWallet = hotWallet
    }
}

/// The latest ``SenderStatus`` of every chain; reads never wait for a tick.
public final class SenderStatusBoard: Sendable {
    private let statuses = Mutex<[Int: SenderStatus]>([:])

    public init() {}

    public func publish(_ status: SenderStatus) { statuses.withLock { $0[status.chainID] = status } }
    public func status(chainID: Int) -> SenderStatus? { statuses.withLock { $0[chainID] } }
}

import Ethereum

/// A USDC transfer to the deposit address, decoded and checked: emitted by the
/// configured USDC contract, with a well-formed Transfer event whose amount fits the
/// ledger. Whether it may be credited depends only on its confirmations.
public struct Deposit: Sendable, Hashable {
    /// Unique per deposit: what the ledger credits at most once.
    public let key: DepositKey
    /// The sender; the ledger attributes the deposit to the account that linked it.
    public let from: Address
    /// The deposit address it was sent to.
    public let to: Address
    /// The amount, exact in micro-USDC.
    public let amount: USDC
    /// The block that included it, hash verified against the canonical chain.
    public let block: BlockRef

    public init(key: DepositKey, from: Address, to: Address, amount: USDC, block: BlockRef) {
        self.key = key
        self.from = from
        self.to = to
        self.amount = amount
        self.block = block
    }

    /// Confirmations at `head`, counting the inclusion block as 1 (`head - block + 1`).
    public func confirmations(atHead head: UInt64) -> Int {
        head < block.number ? 0 : Int(clamping: head - block.number + 1)
    }
}

import BigInt

extension USDC {
    /// The on-chain `uint256` amount in token base units (USDC has 6 decimals on every
    /// chain we use, so base units are micro-USDC). Negative amounts have no on-chain form.
    public func baseUnits() throws(USDCError) -> BigUInt {
        guard micro >= 0 else { throw .negative }
        return BigUInt(micro)
    }

    /// Converts an on-chain `uint256` amount (base units) to an exact ledger amount;
    /// throws `.overflow` when it exceeds what the ledger can hold, rather than wrapping.
    public init(baseUnits: BigUInt) throws(USDCError) {
        guard baseUnits <= Self.largestBaseUnits else { throw .overflow }
        self.init(micro: Int64(baseUnits))
    }

    private static let largestBaseUnits = BigUInt(Int64.max)
}

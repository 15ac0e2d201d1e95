import Ethereum

/// The platform's share of captured money, in basis points (1000 = 10%).
/// The fee rounds down, so the provider never gets less than its exact share.
public struct PlatformFee: Sendable, Hashable {
    public let basisPoints: Int64

    public init(basisPoints: Int64) {
        precondition((0...10_000).contains(basisPoints), "fee must be 0-100%")
        self.basisPoints = basisPoints
    }

    public static let `default` = PlatformFee(basisPoints: 1000)

    /// `(fee, rest)` with `fee + rest == amount`.
    public func split(_ amount: USDC) -> (fee: USDC, rest: USDC) {
        let fee = (try? amount.fraction(basisPoints, of: 10_000)) ?? .zero
        return (fee, USDC(micro: amount.micro - fee.micro))
    }
}

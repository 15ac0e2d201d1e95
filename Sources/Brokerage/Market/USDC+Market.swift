import Ethereum

extension USDC {
    /// Converts a provider's JSON number of dollars to exact micro-units, rounding to the
    /// nearest micro. Providers send binary floats (`0.5663888888888889`); this is the one
    /// place such a float becomes money. Nil for NaN, infinity, negatives or absurd values.
    public init?(providerDollars value: Double) {
        guard value.isFinite, value >= 0, value < 1_000_000 else { return nil }
        self.init(micro: Int64((value * Double(USDC.scale)).rounded()))
    }

    /// `self / n` rounded to the nearest micro (half up); n must be positive.
    public func dividedRoundingToNearest(by n: Int64) -> USDC {
        precondition(n > 0, "divisor must be positive")
        return USDC(micro: (micro * 2 + n) / (2 * n))
    }

    /// Price per unit of a positive real quantity (e.g. per performance point), rounded to
    /// the nearest micro; a zero or invalid quantity yields the price itself so that
    /// nothing divides by zero.
    public func perUnit(_ quantity: Double) -> USDC {
        guard quantity.isFinite, quantity > 0 else { return self }
        return USDC(micro: Int64((Double(micro) / quantity).rounded()))
    }

    /// `self × a / b` for two exact amounts (e.g. rate × multiplier), rounded down.
    public func scaled(by factor: USDC) -> USDC? {
        let q = Int128(micro) * Int128(factor.micro) / Int128(USDC.scale)
        return Int64(exactly: q).map(USDC.init(micro:))
    }

    /// Dollars as a floating value, for statistics that only rank (never for payment).
    public var approximateDollars: Double { Double(micro) / Double(USDC.scale) }
}

import Ethereum
import Foundation

/// G-Score: one number in 0...1 that ranks offers by performance, reliability and
/// efficiency (performance per dollar), with the per-provider weights of the product README.
///
/// Formula (a weighted geometric mean, so a zero in any factor gives zero and the weights
/// sum to 1, keeping the result in 0...1):
///
///     G = P^wp × R^wr × E^we
///     P = min(1, ln(1 + perf) / ln(1 + 2000))   performance; perf on GP4U's scale
///                                                (RTX 4090 = 100; 2000 ≈ 8 × H100 SXM)
///     R = reliability, clamped to 0...1
///     E = 1 − exp(−(perf / price per hour in USD) / 150)
///                                                efficiency; 150 perf points per dollar-hour
///                                                (a typical H100 SXM) gives 0.5
///
/// | provider | wp | wr | we |
/// |---|---|---|---|
/// | Vast.ai | 0.4 | 0.4 | 0.2 |
/// | io.net  | 0.5 | 0.3 | 0.2 |
/// | Akash   | 0.3 | 0.3 | 0.4 |
/// | Render  | 0.5 | 0.3 | 0.2 |
/// | GP4U listings | 0.4 | 0.4 | 0.2 |
///
/// An offer with no performance figure (a GPU outside the catalogue its provider does not
/// measure) takes P = E = 0.5, neither rewarded nor sunk, so it ranks on reliability.
/// A free offer (price 0) has E = 1. The logarithm keeps an 8-GPU node from scoring 8× a
/// single card; the exponential saturates efficiency so extreme bargains do not dominate.
public enum GScore {
    /// Weights of performance, reliability and efficiency (sum 1).
    public struct Weights: Sendable, Hashable {
        public let performance: Double
        public let reliability: Double
        public let efficiency: Double
    }

    public static func weights(for provider: ProviderID) -> Weights {
        switch provider {
        case .vastai: Weights(performance: 0.4, reliability: 0.4, efficiency: 0.2)
        case .ionet: Weights(performance: 0.5, reliability: 0.3, efficiency: 0.2)
        case .akash: Weights(performance: 0.3, reliability: 0.3, efficiency: 0.4)
        case .render: Weights(performance: 0.5, reliability: 0.3, efficiency: 0.2)
        // Owner-listed GPUs are single machines like Vast asks, so they weigh alike.
        case .gp4u: Weights(performance: 0.4, reliability: 0.4, efficiency: 0.2)
        }
    }

    public static func performanceFactor(_ perf: Double) -> Double {
        guard perf.isFinite, perf > 0 else { return 0 }
        return min(1, log1p(perf) / log1p(2000))
    }

    public static func efficiencyFactor(perf: Double, pricePerHour: USDC) -> Double {
        guard perf.isFinite, perf > 0 else { return 0 }
        let dollars = pricePerHour.approximateDollars
        guard dollars > 0 else { return 1 }
        return 1 - exp(-(perf / dollars) / 150)
    }

    public static func score(provider: ProviderID, perfScore: Double?, reliability: Double, pricePerHour: USDC)
        -> Double
    {
        let w = weights(for: provider)
        let p = perfScore.map(performanceFactor) ?? 0.5
        let r = min(1, max(0, reliability))
        let e = perfScore.map { efficiencyFactor(perf: $0, pricePerHour: pricePerHour) } ?? 0.5
        let g = pow(p, w.performance) * pow(r, w.reliability) * pow(e, w.efficiency)
        return g.isFinite ? min(1, max(0, g)) : 0
    }
}

import Synchronization

/// Randomness for retry jitter, injected so tests are deterministic.
public protocol JitterSource: Sendable {
    /// A uniform value in 0..<1.
    func unit() -> Double
}

/// The system random generator.
public struct SystemJitter: JitterSource {
    public init() {}
    public func unit() -> Double { Double.random(in: 0..<1) }
}

/// A reproducible sequence from a seed (SplitMix64).
public final class SeededJitter: JitterSource {
    private let generator: Mutex<SplitMix64>
    public init(seed: UInt64) { generator = Mutex(SplitMix64(seed: seed)) }
    public func unit() -> Double { generator.withLock { $0.nextUnit() } }
}

/// SplitMix64: a tiny, well-distributed seeded generator (Vigna), used wherever GP4U needs
/// reproducible randomness (jitter in tests, the offline snapshot).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<1 with 53 bits of precision.
    public mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

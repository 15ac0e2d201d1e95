/// Chooses how many blocks each `eth_getLogs` asks for. Providers cap ranges
/// differently and say so only by refusing, so the size shrinks on refusals and grows
/// back after successes. The integrator can plug in the RPC layer's sizer by conforming
/// it to this protocol; ``AdaptiveLogRange`` is the default.
public protocol LogRangeSizing: Sendable {
    /// Blocks to ask for next (at least 1).
    func nextSpan() async -> UInt64
    /// A range of `span` blocks was answered.
    func recordSuccess(span: UInt64) async
    /// A range of `span` blocks was refused, with the node's suggestion if it gave one.
    func recordRefusal(span: UInt64, suggested: ClosedRange<UInt64>?) async
}

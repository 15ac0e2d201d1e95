import BigInt
import Ethereum
import EthereumRPC
import Timekeeping

/// The lines `gp4u chain status` prints for one chain: head, cursor and lag, pending and
/// credited counts, last credit, endpoint health, a progress bar while the watcher is
/// behind the confirmed tip, and any open incident. A pure function of what the store
/// and the node said, so the CLI stays a thin loop.
public enum ChainStatusReport {
    /// Width of the backfill bar, in characters.
    static let barWidth = 30

    /// - Parameters:
    ///   - head: the node's latest block, `nil` when it could not be reached.
    ///   - start: where this backfill began (the configured start block, or the cursor
    ///     when the status was first shown); the bar measures from there.
    public static func lines(
        _ chain: ChainConfiguration, _ s: ChainSummary, head: UInt64?, health: [RPCEndpointHealth], start: UInt64?
    ) -> [String] {
        let cursor = s.cursor?.number
        let lag = head.flatMap { h in cursor.map { h > $0 ? h - $0 : 0 } }
        var lines = [
            "chain \(chain.chainID) (\(chain.name))",
            "  head      \(head.map(String.init) ?? "unreachable")",
            "  cursor    \(cursor.map(String.init) ?? "not started")\(lag.map { "  (lag \($0) blocks, \(chain.confirmations) confirmations required)" } ?? "")",
            "  pending   \(s.pendingCount)   credited \(s.creditedCount)   suspense \(s.suspenseCount)",
            "  last credit \(s.lastCreditAt.map(RFC3339.format) ?? "never")",
            "  endpoints \(health.filter(\.healthy).count)/\(health.count) healthy: "
                + health.map { "\($0.endpoint) \($0.healthy ? "ok" : "down")" }.joined(separator: ", "),
        ]
        if let head, let cursor, let start, head + 1 >= UInt64(chain.confirmations) {
            // The newest block with enough confirmations: the cursor's goal.
            let target = head + 1 - UInt64(chain.confirmations)
            if cursor < target {
                let done = target > start ? Double(cursor > start ? cursor - start : 0) / Double(target - start) : 1
                let filled = Int((done * Double(barWidth)).rounded(.down))
                lines.append(
                    "  backfill  [" + String(repeating: "#", count: filled)
                        + String(repeating: ".", count: barWidth - filled)
                        + "] \(Int(done * 100))%  block \(cursor) of \(target)")
            }
        }
        if let incident = s.openIncident {
            lines.append("  INCIDENT  \(incident)")
        }
        return lines
    }

    /// The payout lines of a chain with a hot wallet: its balances (nil when the node
    /// could not be asked), how many withdrawals wait for it, and why each flagged one waits.
    public static func payoutLines(
        hotWallet: Address, usdc: USDC?, native: BigUInt?, approved: Int, inFlight: Int,
        flagged: [(id: String, flag: String)]
    ) -> [String] {
        let balances = usdc.map { "\($0) USDC, \(native.map { "\($0)" } ?? "?") wei for gas" } ?? "balances unreachable"
        return [
            "  payouts   hot wallet \(hotWallet.checksummed): \(balances); \(approved) approved, \(inFlight) in flight"
        ]
            + flagged.map { "  WAITING   withdrawal \($0.id): \($0.flag)" }
    }
}

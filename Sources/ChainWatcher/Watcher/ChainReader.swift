import Ethereum

/// Read access to one chain in the watcher's terms. The live implementation wraps the
/// JSON-RPC client (with failover over several endpoints); tests use a scripted chain.
///
/// Errors are ``ChainReadError`` so the loop can tell a range refusal (shrink and retry
/// now) from an outage (log, count, retry next poll).
public protocol ChainReader: Sendable {
    /// The latest block header (`eth_getBlockByNumber("latest")`).
    func head() async throws(ChainReadError) -> BlockHeader
    /// Canonical headers at these heights, fetched in one batch. Heights the node does
    /// not have are left out of the answer rather than failing the whole batch.
    func headers(at heights: [UInt64]) async throws(ChainReadError) -> [BlockHeader]
    /// Logs matching the filter in the inclusive block range (`eth_getLogs` with
    /// `address`, `topics: [Transfer, null, recipient]`).
    func transferLogs(_ filter: TransferFilter, in range: ClosedRange<UInt64>) async throws(ChainReadError)
        -> [EventLog]
}

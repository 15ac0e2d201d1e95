import Ethereum
import EthereumRPC

/// The watcher's ``ChainReader`` over the JSON-RPC client: an endpoint pool with
/// failover and retries underneath, so what reaches the watcher is either an answer, a
/// range refusal, or "unavailable until the next poll".
public struct RPCChainReader: ChainReader {
    public let rpc: RPCClient

    public init(rpc: RPCClient) { self.rpc = rpc }

    public func head() async throws(ChainReadError) -> BlockHeader {
        let header: BlockHeader?
        do { header = try await rpc.block(.latest) } catch { throw Self.readError(error) }
        guard let header else { throw .unavailable("the node has no latest block") }
        return header
    }

    public func headers(at heights: [UInt64]) async throws(ChainReadError) -> [BlockHeader] {
        guard !heights.isEmpty else { return [] }
        let headers: [BlockHeader?]
        do { headers = try await rpc.blocks(heights) } catch { throw Self.readError(error) }
        return headers.compactMap { $0 }
    }

    public func transferLogs(_ filter: TransferFilter, in range: ClosedRange<UInt64>) async throws(ChainReadError)
        -> [EventLog]
    {
        let topics: [[Hash32]?] = filter.topics.map { topic in topic.map { [try! Hash32(bytes: $0)] } }
        do {
            return try await rpc.logs(LogFilter(blocks: .range(range), addresses: [filter.contract], topics: topics))
        } catch {
            throw Self.readError(error)
        }
    }

    static func readError(_ error: RPCError) -> ChainReadError {
        switch error.classification {
        case .rangeTooLarge(let suggested): .rangeRefused(suggested: suggested)
        case .retryable, .permanent: .unavailable(error.description)
        }
    }
}

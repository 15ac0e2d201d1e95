import Ethereum

/// The watcher's ``ChainReader`` over the JSON-RPC client: an endpoint pool with
/// failover and retries underneath, so what reaches the watcher is either an answer, a
/// range refusal, or "unavailable until the next poll".
public struct RPCChainReader: ChainReader {
    public let rpc: EthereumRPC

    public init(rpc: EthereumRPC) { self.rpc = rpc }

    public func head() async throws(ChainReadError) -> ObservedHeader {
        let header: BlockHeader?
        do { header = try await rpc.block(.latest) } catch { throw Self.readError(error) }
        guard let header else { throw .unavailable("the node has no latest block") }
        return Self.observed(header)
    }

    public func headers(at heights: [UInt64]) async throws(ChainReadError) -> [ObservedHeader] {
        guard !heights.isEmpty else { return [] }
        let headers: [BlockHeader?]
        do { headers = try await rpc.blocks(heights) } catch { throw Self.readError(error) }
        return headers.compactMap { $0.map(Self.observed) }
    }

    public func transferLogs(_ filter: TransferFilter, in range: ClosedRange<UInt64>) async throws(ChainReadError)
        -> [ObservedLog]
    {
        let topics: [[Hash32]?] = filter.topics.map { topic in topic.map { [try! Hash32(bytes: $0)] } }
        let logs: [RPCLog]
        do {
            logs = try await rpc.logs(LogFilter(blocks: .range(range), addresses: [filter.contract], topics: topics))
        } catch {
            throw Self.readError(error)
        }
        return logs.map { log in
            ObservedLog(
                emitter: log.address, topics: log.topics.map(\.bytes), data: log.data, blockNumber: log.blockNumber,
                blockHash: log.blockHash, transactionHash: log.transactionHash, logIndex: log.logIndex,
                removed: log.removed)
        }
    }

    static func observed(_ h: BlockHeader) -> ObservedHeader {
        ObservedHeader(number: h.number, hash: h.hash, parentHash: h.parentHash, logsBloom: h.logsBloom)
    }

    static func readError(_ error: RPCError) -> ChainReadError {
        switch error.classification {
        case .rangeTooLarge(let suggested): .rangeRefused(suggested: suggested)
        case .retryable, .permanent: .unavailable(error.description)
        }
    }
}

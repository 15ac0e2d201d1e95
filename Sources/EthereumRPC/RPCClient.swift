import Ethereum

/// The Ethereum JSON-RPC methods GP4U uses, typed, over an ``RPCEndpointPool``.
///
/// Every result is parsed strictly (exact hash lengths, unpadded quantities, required
/// fields); anything else is a ``RPCError/malformedResponse(_:endpoint:)`` rather than a
/// guess, because a watcher that misreads a block hash or a log credits wrongly.
public struct RPCClient: Sendable {
    public let pool: RPCEndpointPool
    /// Calls per JSON-RPC batch in ``blocks(_:)``; providers cap batches (often 50-100).
    public var batchSize: Int

    public init(pool: RPCEndpointPool, batchSize: Int = 50) {
        self.pool = pool
        self.batchSize = max(1, batchSize)
    }

    /// `eth_chainId`: checked at start so a URL pointing at the wrong network is refused.
    public func chainId() async throws(RPCError) -> UInt64 {
        try await pool.call(RPCRequest("eth_chainId")) { (v) throws(RPCResultError) in try v.quantity("chain id") }
    }

    /// `eth_blockNumber`: the node's head.
    public func blockNumber() async throws(RPCError) -> UInt64 {
        try await pool.call(RPCRequest("eth_blockNumber")) { (v) throws(RPCResultError) in
            try v.quantity("block number")
        }
    }

    /// `eth_getBlockByNumber` without transactions; `nil` when the node does not have
    /// that block (yet: a lagging node behind a load balancer answers null).
    public func block(_ tag: BlockTag) async throws(RPCError) -> BlockHeader? {
        try await pool.call(Self.blockRequest(tag)) { (v) throws(RPCResultError) in
            v == .null ? nil : try v.blockHeader()
        }
    }

    /// Several blocks by number in JSON-RPC batches of ``batchSize``; `nil` entries for
    /// blocks the node does not have. The first per-call error is thrown.
    public func blocks(_ numbers: [UInt64]) async throws(RPCError) -> [BlockHeader?] {
        var headers: [BlockHeader?] = []
        headers.reserveCapacity(numbers.count)
        var start = 0
        while start < numbers.count {
            let chunk = numbers[start..<min(start + batchSize, numbers.count)]
            let wanted = Array(chunk)
            let results = try await pool.batch(wanted.map { Self.blockRequest(.number($0)) }) {
                (index, v) throws(RPCResultError) -> BlockHeader? in
                guard v != .null else { return nil }
                let header = try v.blockHeader()
                guard header.number == wanted[index] else {
                    throw RPCResultError("asked for block \(wanted[index]), got block \(header.number)")
                }
                return header
            }
            for result in results { headers.append(try result.get()) }
            start += batchSize
        }
        return headers
    }

    /// `eth_getLogs`. A range the node refuses throws an error classified
    /// ``RPCErrorClass/rangeTooLarge(suggested:)``: ask again for a smaller range.
    public func logs(_ filter: LogFilter) async throws(RPCError) -> [EventLog] {
        try await pool.call(RPCRequest("eth_getLogs", [filter.parameter])) { (v) throws(RPCResultError) -> [EventLog] in
            var logs: [EventLog] = []
            for item in try v.elements("logs") { logs.append(try item.log()) }
            return logs
        }
    }

    /// `eth_sendRawTransaction`: returns the transaction hash the node computed.
    public func sendRawTransaction(_ signed: [UInt8]) async throws(RPCError) -> Hash32 {
        try await pool.call(RPCRequest("eth_sendRawTransaction", [.string(Hex.encode(signed))])) {
            (v) throws(RPCResultError) in try v.hash("transaction hash")
        }
    }

    /// `eth_getTransactionCount`: the account's nonce at `tag` (`.pending` includes the
    /// node's pending pool).
    public func transactionCount(_ address: Address, at tag: BlockTag) async throws(RPCError) -> UInt64 {
        try await pool.call(RPCRequest("eth_getTransactionCount", [.string(address.lowercased), tag.parameter])) {
            (v) throws(RPCResultError) in try v.quantity("transaction count")
        }
    }

    /// `eth_getTransactionReceipt`; `nil` while the transaction is not mined.
    public func transactionReceipt(_ hash: Hash32) async throws(RPCError) -> TransactionReceipt? {
        try await pool.call(RPCRequest("eth_getTransactionReceipt", [.string(hash.hex)])) {
            (v) throws(RPCResultError) in v == .null ? nil : try v.receipt()
        }
    }

    static func blockRequest(_ tag: BlockTag) -> RPCRequest {
        RPCRequest("eth_getBlockByNumber", [tag.parameter, .bool(false)])
    }
}

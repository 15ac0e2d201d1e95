import BigInt
import Ethereum
import JSON

/// Strict readers for result fields; each failure names the field, never its value
/// (results can be large, and an echo could carry whatever a hostile node sent).
extension JSONValue {
    func member(_ name: String) throws(RPCResultError) -> JSONValue {
        guard case .object(let members) = self else {
            throw RPCResultError("expected an object holding \(name), got \(kind)")
        }
        guard let value = members[name] else { throw RPCResultError("missing field \(name)") }
        return value
    }

    func text(_ what: String) throws(RPCResultError) -> String {
        guard case .string(let s) = self else { throw RPCResultError("\(what) must be a string, got \(kind)") }
        return s
    }

    func quantity(_ what: String) throws(RPCResultError) -> UInt64 {
        let s = try text(what)
        do { return try Hex.quantity(s) } catch { throw RPCResultError("\(what): \(error)") }
    }

    func bigQuantity(_ what: String) throws(RPCResultError) -> BigUInt {
        let s = try text(what)
        do { return try Hex.bigQuantity(s) } catch { throw RPCResultError("\(what): \(error)") }
    }

    func hash(_ what: String) throws(RPCResultError) -> Hash32 {
        let s = try text(what)
        do { return try Hash32(parsing: s) } catch { throw RPCResultError("\(what): \(error)") }
    }

    func address(_ what: String) throws(RPCResultError) -> Address {
        let s = try text(what)
        do { return try Address(parsing: s) } catch { throw RPCResultError("\(what): \(error)") }
    }

    func bytes(_ what: String) throws(RPCResultError) -> [UInt8] {
        let s = try text(what)
        do { return try Hex.decode(s, prefix: .required) } catch { throw RPCResultError("\(what): \(error)") }
    }

    func elements(_ what: String) throws(RPCResultError) -> [JSONValue] {
        guard case .array(let items) = self else { throw RPCResultError("\(what) must be an array, got \(kind)") }
        return items
    }

    /// A block header object.
    func blockHeader() throws(RPCResultError) -> BlockHeader {
        BlockHeader(
            number: try member("number").quantity("block number"), hash: try member("hash").hash("block hash"),
            parentHash: try member("parentHash").hash("parentHash"),
            timestamp: try member("timestamp").quantity("timestamp"),
            logsBloom: try self["logsBloom"].map { (v) throws(RPCResultError) in
                let bloom = try v.bytes("logsBloom")
                guard bloom.count == 256 else {
                    throw RPCResultError("logsBloom must be 256 bytes, got \(bloom.count)")
                }
                return bloom
            })
    }

    /// A log object; `removed` may be absent (some nodes omit it) but not malformed.
    func log() throws(RPCResultError) -> EventLog {
        var topics: [Hash32] = []
        for topic in try member("topics").elements("topics") { topics.append(try topic.hash("topic")) }
        let removed: Bool
        switch self["removed"] {
        case nil: removed = false
        case .bool(let flag)?: removed = flag
        case let other?: throw RPCResultError("removed must be a boolean, got \(other.kind)")
        }
        return EventLog(
            address: try member("address").address("log address"), topics: topics,
            data: try member("data").bytes("log data"),
            blockNumber: try member("blockNumber").quantity("log blockNumber"),
            blockHash: try member("blockHash").hash("log blockHash"),
            transactionHash: try member("transactionHash").hash("log transactionHash"),
            logIndex: try member("logIndex").quantity("logIndex"), removed: removed)
    }

    /// A receipt object.
    func receipt() throws(RPCResultError) -> TransactionReceipt {
        let status = try member("status").quantity("receipt status")
        guard status <= 1 else { throw RPCResultError("receipt status must be 0x0 or 0x1") }
        var logs: [EventLog] = []
        for item in try member("logs").elements("receipt logs") { logs.append(try item.log()) }
        let price: BigUInt?
        switch self["effectiveGasPrice"] {
        case nil, .null?: price = nil
        case let value?: price = try value.bigQuantity("effectiveGasPrice")
        }
        return TransactionReceipt(
            transactionHash: try member("transactionHash").hash("receipt transactionHash"),
            blockNumber: try member("blockNumber").quantity("receipt blockNumber"),
            blockHash: try member("blockHash").hash("receipt blockHash"), succeeded: status == 1,
            gasUsed: try member("gasUsed").quantity("gasUsed"), effectiveGasPrice: price, logs: logs)
    }
}

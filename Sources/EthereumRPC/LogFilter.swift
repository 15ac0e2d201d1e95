import Ethereum
import JSON

/// An `eth_getLogs` filter.
///
/// Either a block range or one block hash (the latter pins the logs to one exact block,
/// immune to a reorg between two calls). Topics are positional: `nil` matches anything,
/// several hashes at one position match any of them.
public struct LogFilter: Sendable, Hashable {
    /// Which blocks to search.
    public enum Blocks: Sendable, Hashable {
        case range(ClosedRange<UInt64>)
        case hash(Hash32)
    }

    public var blocks: Blocks
    /// Emitting contracts; empty means any contract.
    public var addresses: [Address]
    /// Per position: `nil` for any, else one of the given values.
    public var topics: [[Hash32]?]

    public init(blocks: Blocks, addresses: [Address] = [], topics: [[Hash32]?] = []) {
        self.blocks = blocks
        self.addresses = addresses
        self.topics = topics
    }

    /// The filter object as JSON-RPC expects it (trailing wildcard topics dropped).
    public var parameter: JSONValue {
        var object: [String: JSONValue] = [:]
        switch blocks {
        case .range(let r):
            object["fromBlock"] = .string(Hex.quantity(r.lowerBound))
            object["toBlock"] = .string(Hex.quantity(r.upperBound))
        case .hash(let h):
            object["blockHash"] = .string(h.hex)
        }
        if addresses.count == 1 {
            object["address"] = .string(addresses[0].lowercased)
        } else if !addresses.isEmpty {
            object["address"] = .array(addresses.map { .string($0.lowercased) })
        }
        var positions = topics
        while let last = positions.last, last == nil { positions.removeLast() }
        if !positions.isEmpty {
            object["topics"] = .array(
                positions.map { options in
                    guard let options else { return .null }
                    return options.count == 1 ? .string(options[0].hex) : .array(options.map { .string($0.hex) })
                })
        }
        return .object(object)
    }
}

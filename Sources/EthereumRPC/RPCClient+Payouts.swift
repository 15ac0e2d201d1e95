import BigInt
import Ethereum
import JSON

/// The calls the withdrawal sender and reconciliation make: reading balances, estimating
/// and pricing a transfer. Results are parsed as strictly as the watcher's.
extension RPCClient {
    /// `eth_call` of `data` on `to` at `block`: the return data.
    public func call(to: Address, data: [UInt8], at block: BlockTag = .latest) async throws(RPCError) -> [UInt8] {
        let call: JSONValue = .object(["to": .string(to.lowercased), "data": .string(Hex.encode(data))])
        return try await pool.call(RPCRequest("eth_call", [call, block.parameter])) { (v) throws(RPCResultError) in
            try v.bytes("call result")
        }
    }

    /// `balanceOf(owner)` of an ERC-20 `token`, in base units.
    public func tokenBalance(_ token: Address, of owner: Address, at block: BlockTag = .latest) async throws(RPCError)
        -> BigUInt
    {
        let result = try await call(to: token, data: ERC20.balanceOfCallData(owner: owner), at: block)
        guard result.count == 32 else {
            throw .malformedResponse("balanceOf returned \(result.count) bytes, not 32", endpoint: "")
        }
        return BigUInt(bigEndian: result)
    }

    /// `eth_getBalance`: the native balance in wei.
    public func balance(of address: Address, at block: BlockTag = .latest) async throws(RPCError) -> BigUInt {
        try await pool.call(RPCRequest("eth_getBalance", [.string(address.lowercased), block.parameter])) {
            (v) throws(RPCResultError) in try v.bigQuantity("balance")
        }
    }

    /// `eth_estimateGas` for a call from `from` to `to` with `data` (no value).
    public func estimateGas(from: Address, to: Address, data: [UInt8]) async throws(RPCError) -> UInt64 {
        let call: JSONValue = .object([
            "from": .string(from.lowercased), "to": .string(to.lowercased), "data": .string(Hex.encode(data)),
        ])
        return try await pool.call(RPCRequest("eth_estimateGas", [call])) { (v) throws(RPCResultError) in
            try v.quantity("gas estimate")
        }
    }

    /// The base fee of the next block, from `eth_feeHistory` (its last base fee is the
    /// next block's); nil from a node that answers without base fees.
    public func nextBaseFee() async throws(RPCError) -> BigUInt? {
        try await pool.call(RPCRequest("eth_feeHistory", [.string(Hex.quantity(1)), "latest", .array([])])) {
            (v) throws(RPCResultError) -> BigUInt? in
            guard let fees = v["baseFeePerGas"], fees != .null else { return nil }
            let list = try fees.elements("baseFeePerGas")
            return try list.last.map { (item) throws(RPCResultError) in try item.bigQuantity("baseFeePerGas") }
        }
    }

    /// `eth_maxPriorityFeePerGas`: the tip the node suggests, in wei.
    public func maxPriorityFeePerGas() async throws(RPCError) -> BigUInt {
        try await pool.call(RPCRequest("eth_maxPriorityFeePerGas")) { (v) throws(RPCResultError) in
            try v.bigQuantity("max priority fee")
        }
    }
}

/// Why a node refused a raw transaction, for the replies the sender must understand
/// rather than retry (geth's wordings, which other clients copy).
public enum SendRefusal: Sendable, Hashable {
    /// The node already has this exact transaction: as good as accepted.
    case alreadyKnown
    /// A transaction with this nonce is already mined.
    case nonceTooLow
    /// A pending transaction with this nonce has fees too close to these.
    case replacementUnderpriced
    /// The fees are below what the chain accepts (a minimum tip, or the base fee).
    case underpriced
    /// The sender cannot pay gas × max fee + value.
    case insufficientFunds
}

extension RPCError {
    /// What a node's refusal of `eth_sendRawTransaction` means; nil for other errors.
    public var sendRefusal: SendRefusal? {
        guard case .node(_, let message, _) = self else { return nil }
        let text = message.lowercased()
        if text.contains("already known") || text.contains("known transaction") { return .alreadyKnown }
        if text.contains("nonce too low") { return .nonceTooLow }
        if text.contains("replacement transaction underpriced") { return .replacementUnderpriced }
        if text.contains("insufficient funds") { return .insufficientFunds }
        if text.contains("underpriced") || text.contains("less than block base fee")
            || text.contains("minimum needed")
        {
            return .underpriced
        }
        return nil
    }
}

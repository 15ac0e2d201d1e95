import ArgumentParser
import Ethereum
import Foundation
import Signer

/// `gp4u tx`: offline signing and auditing of raw transactions.
struct TxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "Sign transactions offline and decode raw transactions for audit.",
        subcommands: [Sign.self, Decode.self]
    )

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign one transaction read as JSON from stdin; prints the raw transaction as 0x hex.",
            discussion: """
                Fields (integers as decimal strings): type ("2" or "0"), chain_id, nonce, gas_limit, \
                to (address or null), value, data (0x hex), max_priority_fee_per_gas and max_fee_per_gas \
                (type 2) or gas_price (type 0); access_list is optional for type 2.
                """
        )

        @Option(name: .long, help: "Keystore file of the signing key.")
        var keystore: String
        @Option(name: .long, help: "File whose first line is the keystore password.")
        var passwordFile: String
        @Flag(name: .long, help: "Each stdin line is one JSON transaction; print one raw transaction per line.")
        var lines = false

        func run() throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let documents = lines ? input.split(separator: 0x0a).map { Data($0) } : [input]
            let txs = try documents.enumerated().map { (n, d) in
                do { return try TransactionJSON.parse(d) } catch {
                    throw lines ? CLIError("line \(n + 1): \(error)") : error
                }
            }
            var pw = try Password.fromFile(passwordFile)
            defer { Password.zero(&pw) }
            let key = try CLIError.wrap { try Keystore.read(path: keystore, password: pw) }
            for tx in txs {
                print(Hex.encode(try CLIError.wrap { try tx.signed(with: key) }.raw))
            }
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode a raw signed transaction and print its fields, sender and hash as JSON."
        )

        @Argument(help: "The raw transaction as 0x hex, or - to read it from stdin (one per line).")
        var raw: String
        @Option(
            name: .long,
            help: "Also apply a node's checks for this chain (chain id, nonce and gas limits, intrinsic gas).")
        var expectChainId: String?

        func run() throws {
            var texts = [raw]
            if raw == "-" {
                texts = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                    .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            var rules = TransactionRules.structural
            if let expectChainId {
                rules = .node(chainID: try CLIError.wrap { try BigUInt(decimal: expectChainId) })
            }
            for text in texts {
                let bytes = try CLIError.wrap { try Hex.decode(text, prefix: .required) }
                let signed = try CLIError.wrap { try SignedTransaction.decode(bytes, rules: rules) }
                print(TransactionJSON.render(signed))
            }
        }
    }
}

/// The JSON shape of transactions on the command line, following the test vectors in `Tests/Fixtures/vectors`.
enum TransactionJSON {
    static func parse(_ data: Data) throws -> Transaction {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch { throw CLIError("input is not valid JSON") }
        guard let o = any as? [String: Any] else { throw CLIError("input must be one JSON object") }
        let type = try string(o, "type")
        var allowed: Set<String> = ["type", "chain_id", "nonce", "gas_limit", "to", "value", "data"]
        let fee: Transaction.Fee
        switch type {
        case "2":
            allowed.formUnion(["max_priority_fee_per_gas", "max_fee_per_gas", "access_list"])
            fee = .dynamic(
                maxPriorityFeePerGas: try uint(o, "max_priority_fee_per_gas"),
                maxFeePerGas: try uint(o, "max_fee_per_gas"))
        case "0":
            allowed.insert("gas_price")
            fee = .legacy(gasPrice: try uint(o, "gas_price"))
        default:
            throw CLIError("field \"type\" must be \"2\" (EIP-1559) or \"0\" (legacy EIP-155)")
        }
        if let extra = o.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw CLIError("unknown field \"\(extra)\" for a type \(type) transaction")
        }
        let chainID = try uint(o, "chain_id")
        guard !chainID.isZero else { throw CLIError("field \"chain_id\" must be positive") }
        guard o.keys.contains("to") else { throw CLIError("missing field \"to\" (use null to create a contract)") }
        var to: Address?
        if !(o["to"] is NSNull) {
            let s = try string(o, "to")
            do { to = try Address(parsing: s) } catch { throw CLIError("field \"to\": \(error)") }
        }
        let dataHex = try string(o, "data")
        let payload: [UInt8]
        do { payload = try Hex.decode(dataHex, prefix: .required) } catch { throw CLIError("field \"data\": \(error)") }
        var accessList: [Transaction.AccessListEntry] = []
        if let al = o["access_list"] {
            guard let entries = al as? [[String: Any]] else {
                throw CLIError("field \"access_list\" must be a list of {address, storage_keys}")
            }
            for e in entries {
                guard let a = e["address"] as? String, let keys = e["storage_keys"] as? [String],
                    let address = try? Address(parsing: a)
                else {
                    throw CLIError("field \"access_list\" has an entry without a valid address and storage_keys")
                }
                let decoded = try keys.map { k throws -> [UInt8] in
                    guard let b = try? Hex.decode(k, prefix: .required), b.count == 32 else {
                        throw CLIError("access_list storage keys must be 32-byte 0x hex")
                    }
                    return b
                }
                accessList.append(.init(address: address, storageKeys: decoded))
            }
        }
        return Transaction(
            chainID: chainID, nonce: try uint(o, "nonce"), fee: fee, gasLimit: try uint(o, "gas_limit"),
            to: to, value: try uint(o, "value"), data: payload, accessList: accessList)
    }

    static func string(_ o: [String: Any], _ key: String) throws -> String {
        guard let v = o[key] else { throw CLIError("missing field \"\(key)\"") }
        guard let s = v as? String else { throw CLIError("field \"\(key)\" must be a string") }
        return s
    }

    static func uint(_ o: [String: Any], _ key: String) throws -> BigUInt {
        let s = try string(o, key)
        do { return try BigUInt(decimal: s) } catch { throw CLIError("field \"\(key)\": \(error)") }
    }

    static func render(_ s: SignedTransaction) -> String {
        let tx = s.transaction
        var o: [String: Any] = [
            "type": "\(tx.type)",
            "chain_id": tx.chainID.map { "\($0)" } ?? NSNull(),
            "nonce": "\(tx.nonce)",
            "gas_limit": "\(tx.gasLimit)",
            "to": tx.to.map { $0.lowercased } ?? NSNull(),
            "value": "\(tx.value)",
            "data": Hex.encode(tx.data),
            "r": Hex.encode(s.signature.r),
            "s": Hex.encode(s.signature.s),
            "from": s.sender.checksummed,
            "hash": Hex.encode(s.hash),
        ]
        switch tx.fee {
        case .legacy(let p):
            o["gas_price"] = "\(p)"
            o["v"] = "\(s.v)"
        case .accessList(let p):
            o["gas_price"] = "\(p)"
            o["y_parity"] = "\(s.signature.recoveryID)"
        case .dynamic(let tip, let max):
            o["max_priority_fee_per_gas"] = "\(tip)"
            o["max_fee_per_gas"] = "\(max)"
            o["y_parity"] = "\(s.signature.recoveryID)"
        }
        if tx.type != 0 {
            o["access_list"] = tx.accessList.map {
                ["address": $0.address.lowercased, "storage_keys": $0.storageKeys.map { Hex.encode($0) }]
            }
        }
        let data = try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

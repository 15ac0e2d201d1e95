import Ethereum
import EthereumRPC
import Foundation

extension ChainConfiguration {
    /// The per-chain variables, for `gp4u` help and the README (`<ID>` is the chain id).
    public static let environmentHelp: [(name: String, value: String, meaning: String)] = [
        (
            "GP4U_CHAIN_<ID>_RPC_URLS", "",
            "comma list of http(s) JSON-RPC URLs in preference order; required (no public defaults)"
        ),
        ("GP4U_CHAIN_<ID>_USDC", "per chains.md", "USDC contract address (EIP-55); required for dev chains"),
        ("GP4U_CHAIN_<ID>_DEPOSIT_ADDRESS", "", "hot wallet address deposits are sent to; required"),
        ("GP4U_CHAIN_<ID>_CONFIRMATIONS", "12/128/3/10, dev 2", "blocks a deposit needs, counting its own block as 1"),
        (
            "GP4U_CHAIN_<ID>_POLL_INTERVAL", "12 (1, 11155111), 2 (137, 80002), 1 (dev)",
            "seconds between polls, may be fractional"
        ),
        (
            "GP4U_CHAIN_<ID>_START_BLOCK", "latest at first start",
            "first block to scan when the chain has no cursor yet"
        ),
        (
            "GP4U_CHAIN_<ID>_HOT_WALLET_KEYSTORE", "",
            "keystore v3 file of the hot wallet that pays withdrawals (password in GP4U_HOT_WALLET_PASSWORD_FILE); empty = no payouts on this chain"
        ),
        (
            "GP4U_CHAIN_<ID>_MAX_FEE_GWEI", "300 (1, 11155111), 3000 (137, 80002), 1000 (dev)",
            "the highest max fee per gas a withdrawal is signed with, in gwei"
        ),
    ]

    /// Reads `GP4U_CHAINS` (comma list of chain ids; unset or empty means none, i.e.
    /// simulated mode) and each listed chain's `GP4U_CHAIN_<ID>_*` variables.
    ///
    /// A chain of ``Chain/known`` gets its USDC contract and confirmations from the table;
    /// any other id is a dev chain and needs its USDC address. Every chain needs RPC URLs
    /// and a deposit address: GP4U never calls a public node unless told to.
    public static func fromEnvironment(_ env: [String: String]) throws(ChainConfigError) -> [ChainConfiguration] {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        guard let list = value("GP4U_CHAINS") else { return [] }
        var ids: [Int] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard let id = Int(text), id > 0 else {
                throw ChainConfigError("GP4U_CHAINS", "\"\(text)\" is not a chain id; use numbers such as 1,137")
            }
            guard !ids.contains(id) else { throw ChainConfigError("GP4U_CHAINS", "chain \(id) is listed twice") }
            guard Chain.known(id: id) != nil || value("GP4U_CHAIN_\(id)_RPC_URLS") != nil else {
                throw ChainConfigError(
                    "GP4U_CHAINS",
                    "unknown chain \(id); use 1, 137, 11155111 or 80002, or set GP4U_CHAIN_\(id)_RPC_URLS for a dev chain"
                )
            }
            ids.append(id)
        }
        var chains: [ChainConfiguration] = []
        for id in ids { chains.append(try chain(id, value)) }
        return chains
    }

    private static func chain(_ id: Int, _ value: (String) -> String?) throws(ChainConfigError) -> ChainConfiguration {
        let prefix = "GP4U_CHAIN_\(id)_"
        let known = Chain.known(id: id)

        let urlsName = prefix + "RPC_URLS"
        guard let urlList = value(urlsName) else {
            throw ChainConfigError(
                urlsName, "is required to watch chain \(id): set one or more http(s) JSON-RPC URLs, comma separated")
        }
        var endpoints: [RPCEndpoint] = []
        for (n, item) in urlList.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let endpoint: RPCEndpoint
            do { endpoint = try RPCEndpoint(parsing: String(item)) } catch {
                throw ChainConfigError(urlsName, "entry \(n + 1) \(error)")
            }
            guard !endpoints.contains(endpoint) else {
                throw ChainConfigError(urlsName, "entry \(n + 1) repeats an earlier URL")
            }
            endpoints.append(endpoint)
        }

        let usdcName = prefix + "USDC"
        let usdc: Address
        if let text = value(usdcName) {
            usdc = try address(text, usdcName)
        } else if let known {
            usdc = try address(known.usdc, usdcName)
        } else {
            throw ChainConfigError(
                usdcName, "is required for dev chain \(id): set the address of the test USDC token it deployed")
        }

        let depositName = prefix + "DEPOSIT_ADDRESS"
        guard let depositText = value(depositName) else {
            throw ChainConfigError(
                depositName, "is required to watch chain \(id): set the hot wallet address users deposit to")
        }
        let deposit = try address(depositText, depositName)

        let confirmationsName = prefix + "CONFIRMATIONS"
        var confirmations = known?.confirmations ?? Chain.devChainConfirmations
        if let text = value(confirmationsName) {
            guard let n = Int(text), (1...100_000).contains(n) else {
                throw ChainConfigError(
                    confirmationsName,
                    "must be a whole number of blocks from 1 to 100000 (got \"\(text)\"); 1 means the inclusion block alone"
                )
            }
            confirmations = n
        }

        let pollName = prefix + "POLL_INTERVAL"
        var poll = defaultPollInterval(chainID: id)
        if let text = value(pollName) {
            let plain =
                text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && text.filter { $0 == "." }.count <= 1
            guard plain, let seconds = Double(text), seconds >= 0.01, seconds <= 3_600 else {
                throw ChainConfigError(pollName, "must be seconds from 0.01 to 3600, e.g. 12 or 0.5 (got \"\(text)\")")
            }
            poll = .milliseconds(Int64((seconds * 1_000).rounded()))
        }

        let startName = prefix + "START_BLOCK"
        var start: UInt64?
        if let text = value(startName), text.lowercased() != "latest" {
            guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt64(text) else {
                throw ChainConfigError(startName, "must be a block number or \"latest\" (got \"\(text)\")")
            }
            start = n
        }

        let keystoreName = prefix + "HOT_WALLET_KEYSTORE"
        let keystore = value(keystoreName)
        if let keystore, !FileManager.default.isReadableFile(atPath: keystore) {
            throw ChainConfigError(keystoreName, "cannot read the keystore file \(keystore)")
        }

        let feeName = prefix + "MAX_FEE_GWEI"
        var maxFee: BigUInt?
        if let text = value(feeName) {
            guard let gwei = try? USDC(parsing: text), gwei.micro > 0 else {
                throw ChainConfigError(feeName, "must be a positive number of gwei, e.g. 300 or 0.5 (got \"\(text)\")")
            }
            maxFee = BigUInt(gwei.micro) * 1_000  // micro-gwei to wei
        }

        return ChainConfiguration(
            chainID: id, name: known?.name ?? "Dev chain \(id)", rpcEndpoints: endpoints, usdc: usdc,
            depositAddress: deposit, confirmations: confirmations, pollInterval: poll, startBlock: start,
            hotWalletKeystore: keystore, maxFeePerGas: maxFee)
    }

    private static func address(_ text: String, _ variable: String) throws(ChainConfigError) -> Address {
        let parsed: Address
        do { parsed = try Address(parsing: text) } catch {
            throw ChainConfigError(variable, "\(error) (got \"\(text)\")")
        }
        guard parsed != .zero else { throw ChainConfigError(variable, "must not be the zero address") }
        return parsed
    }
}

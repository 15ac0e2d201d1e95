import ChainWatcher
import Ethereum
import Testing

/// `GP4U_CHAINS` and `GP4U_CHAIN_<ID>_*`: defaults of chains.md, overrides, and one clear
/// error per bad value naming its variable (operators' scripts rely on these names).
@Suite("Chain configuration")
struct ChainConfigurationTests {
    static let deposit = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    static let token = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"

    /// The least a chain needs: its id listed, an RPC URL and a deposit address.
    static func env(_ id: Int, _ extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "GP4U_CHAINS": "\(id)", "GP4U_CHAIN_\(id)_RPC_URLS": "http://127.0.0.1:8545",
            "GP4U_CHAIN_\(id)_DEPOSIT_ADDRESS": deposit,
        ]
        env.merge(extra) { _, new in new }
        return env
    }

    static func only(_ env: [String: String]) throws -> ChainConfiguration {
        let chains = try ChainConfiguration.fromEnvironment(env)
        try #require(chains.count == 1)
        return chains[0]
    }

    @Test("no chains listed means simulated mode", arguments: [[:], ["GP4U_CHAINS": ""], ["GP4U_CHAINS": "  "]])
    func none(env: [String: String]) throws {
        #expect(try ChainConfiguration.fromEnvironment(env).isEmpty)
    }

    @Test(
        "known chains take USDC, confirmations and poll interval from the table",
        arguments: [
            (1, Duration.seconds(12)), (137, .seconds(2)), (11_155_111, .seconds(12)), (80_002, .seconds(2)),
        ])
    func knownDefaults(id: Int, poll: Duration) throws {
        let chain = try Self.only(Self.env(id))
        let table = try #require(Chain.known(id: id))
        #expect(chain.chainID == id && chain.name == table.name)
        #expect(chain.usdc.checksummed == table.usdc)
        #expect(chain.confirmations == table.confirmations)
        #expect(chain.pollInterval == poll)
        #expect(chain.startBlock == nil)
        #expect(chain.depositAddress.checksummed == Self.deposit)
        #expect(chain.rpcEndpoints.map(\.redacted) == ["http://127.0.0.1:8545"])
    }

    @Test("a dev chain needs its token and defaults to 2 confirmations and 1 s polls")
    func devChain() throws {
        let chain = try Self.only(Self.env(1337, ["GP4U_CHAIN_1337_USDC": Self.token]))
        #expect(chain.name == "Dev chain 1337")
        #expect(chain.usdc.checksummed == Self.token)
        #expect(chain.confirmations == 2)
        #expect(chain.pollInterval == .seconds(1))
    }

    @Test("every value can be overridden; fractional poll intervals; URLs keep their order")
    func overrides() throws {
        let chain = try Self.only(
            Self.env(
                137,
                [
                    "GP4U_CHAIN_137_RPC_URLS": "https://a.example/v2/k1, http://10.0.0.2:8545",
                    "GP4U_CHAIN_137_USDC": Self.token, "GP4U_CHAIN_137_CONFIRMATIONS": "200",
                    "GP4U_CHAIN_137_POLL_INTERVAL": "0.25", "GP4U_CHAIN_137_START_BLOCK": "65000000",
                ]))
        #expect(chain.rpcEndpoints.map(\.redacted) == ["https://a.example/…", "http://10.0.0.2:8545"])
        #expect(chain.usdc.checksummed == Self.token)
        #expect(chain.confirmations == 200)
        #expect(chain.pollInterval == .milliseconds(250))
        #expect(chain.startBlock == 65_000_000)
        #expect(try Self.only(Self.env(1, ["GP4U_CHAIN_1_START_BLOCK": "latest"])).startBlock == nil)
    }

    @Test("several chains, in the listed order")
    func several() throws {
        var env = Self.env(137)
        env.merge(Self.env(1337, ["GP4U_CHAIN_1337_USDC": Self.token])) { _, new in new }
        env["GP4U_CHAINS"] = "137, 1337"
        #expect(try ChainConfiguration.fromEnvironment(env).map(\.chainID) == [137, 1337])
    }

    @Test(
        "each bad value is refused naming its variable",
        arguments: [
            (["GP4U_CHAINS": "polygon"], "GP4U_CHAINS"),
            (["GP4U_CHAINS": "1,,137"], "GP4U_CHAINS"),
            (["GP4U_CHAINS": "1,1"], "GP4U_CHAINS"),
            (["GP4U_CHAINS": "424242"], "GP4U_CHAINS"),
            (["GP4U_CHAIN_1_RPC_URLS": ""], "GP4U_CHAIN_1_RPC_URLS"),
            (["GP4U_CHAIN_1_RPC_URLS": "ftp://node.example"], "GP4U_CHAIN_1_RPC_URLS"),
            (["GP4U_CHAIN_1_RPC_URLS": "http://"], "GP4U_CHAIN_1_RPC_URLS"),
            (["GP4U_CHAIN_1_RPC_URLS": "http://a.example,"], "GP4U_CHAIN_1_RPC_URLS"),
            (["GP4U_CHAIN_1_RPC_URLS": "http://a.example,http://a.example"], "GP4U_CHAIN_1_RPC_URLS"),
            (["GP4U_CHAIN_1_DEPOSIT_ADDRESS": ""], "GP4U_CHAIN_1_DEPOSIT_ADDRESS"),
            (
                ["GP4U_CHAIN_1_DEPOSIT_ADDRESS": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"],
                "GP4U_CHAIN_1_DEPOSIT_ADDRESS"
            ),
            (
                ["GP4U_CHAIN_1_DEPOSIT_ADDRESS": "0x0000000000000000000000000000000000000000"],
                "GP4U_CHAIN_1_DEPOSIT_ADDRESS"
            ),
            (["GP4U_CHAIN_1_USDC": "0x1234"], "GP4U_CHAIN_1_USDC"),
            (["GP4U_CHAIN_1_CONFIRMATIONS": "0"], "GP4U_CHAIN_1_CONFIRMATIONS"),
            (["GP4U_CHAIN_1_CONFIRMATIONS": "-3"], "GP4U_CHAIN_1_CONFIRMATIONS"),
            (["GP4U_CHAIN_1_CONFIRMATIONS": "twelve"], "GP4U_CHAIN_1_CONFIRMATIONS"),
            (["GP4U_CHAIN_1_POLL_INTERVAL": "0"], "GP4U_CHAIN_1_POLL_INTERVAL"),
            (["GP4U_CHAIN_1_POLL_INTERVAL": "1e3"], "GP4U_CHAIN_1_POLL_INTERVAL"),
            (["GP4U_CHAIN_1_POLL_INTERVAL": "-1"], "GP4U_CHAIN_1_POLL_INTERVAL"),
            (["GP4U_CHAIN_1_POLL_INTERVAL": "5s"], "GP4U_CHAIN_1_POLL_INTERVAL"),
            (["GP4U_CHAIN_1_START_BLOCK": "-5"], "GP4U_CHAIN_1_START_BLOCK"),
            (["GP4U_CHAIN_1_START_BLOCK": "0x10"], "GP4U_CHAIN_1_START_BLOCK"),
        ])
    func badValues(override: [String: String], variable: String) {
        #expect {
            _ = try ChainConfiguration.fromEnvironment(Self.env(1, override))
        } throws: { error in
            (error as? ChainConfigError)?.variable == variable
        }
    }

    @Test("a dev chain without its token is refused")
    func devChainNeedsToken() {
        #expect(
            throws: ChainConfigError(
                "GP4U_CHAIN_1337_USDC",
                "is required for dev chain 1337: set the address of the test USDC token it deployed")
        ) {
            try ChainConfiguration.fromEnvironment(Self.env(1337))
        }
    }

    @Test("RPC URLs never appear whole in errors or descriptions")
    func urlsRedacted() throws {
        let secret = "k3y-DO-NOT-LOG"
        let urls = "https://user:pw@eth.example:8443/v2/\(secret)?token=\(secret), ftp://other.example/\(secret)"
        let error = #expect(throws: ChainConfigError.self) {
            try ChainConfiguration.fromEnvironment(Self.env(1, ["GP4U_CHAIN_1_RPC_URLS": urls]))
        }
        #expect(error?.variable == "GP4U_CHAIN_1_RPC_URLS")
        #expect(error.map { !$0.description.contains(secret) } == true)
        let chain = try Self.only(
            Self.env(1, ["GP4U_CHAIN_1_RPC_URLS": "https://eth.example:8443/v2/\(secret)?token=\(secret)"]))
        let shown = "\(chain) \(chain.rpcEndpoints) \(String(reflecting: chain.rpcEndpoints[0]))"
        #expect(!shown.contains(secret))
        #expect(chain.rpcEndpoints[0].redacted == "https://eth.example:8443/…")
    }
}

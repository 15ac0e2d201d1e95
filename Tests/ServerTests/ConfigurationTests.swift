import Brokerage
import ChainWatcher
import Ethereum
import Server
import Storage
import TestSupport
import Testing
import Timekeeping

@Suite("Configuration")
struct ConfigurationTests {
    @Test("defaults need nothing set")
    func defaults() throws {
        let c = try ServerConfiguration.fromEnvironment([:])
        #expect(c.host == "127.0.0.1")
        #expect(c.port == 8080)
        #expect(c.database == .sqlite(path: "./data/gp4u.sqlite"))
        #expect(c.chains.isEmpty)
        #expect(c.jwtSecret == nil)
    }

    @Test(
        "bad values name the variable",
        arguments: [
            (["GP4U_PORT": "99999"], "GP4U_PORT"),
            (["GP4U_PORT": "http"], "GP4U_PORT"),
            (["GP4U_DATABASE_URL": "mysql://x@y/z"], "GP4U_DATABASE_URL"),
            (["GP4U_DATABASE_URL": "postgres://"], "GP4U_DATABASE_URL"),
            (["GP4U_JWT_SECRET": "short"], "GP4U_JWT_SECRET"),
            (["GP4U_LOG_LEVEL": "loud"], "GP4U_LOG_LEVEL"),
            (["GP4U_CHAINS": "1,424242"], "GP4U_CHAINS"),
            (["GP4U_CHAINS": "polygon"], "GP4U_CHAINS"),
            (["GP4U_CHAINS": "137"], "GP4U_CHAIN_137_RPC_URLS"),
            (
                ["GP4U_CHAINS": "137", "GP4U_CHAIN_137_RPC_URLS": "http://127.0.0.1:8545"],
                "GP4U_CHAIN_137_DEPOSIT_ADDRESS"
            ),
            (["GP4U_HOST": "bad host"], "GP4U_HOST"),
            (["GP4U_WITHDRAWAL_MIN": "0"], "GP4U_WITHDRAWAL_MIN"),
            (["GP4U_WITHDRAWAL_MIN": "20000"], "GP4U_WITHDRAWAL_MIN"),
            (["GP4U_WITHDRAWAL_MAX": "1e4"], "GP4U_WITHDRAWAL_MAX"),
            (["GP4U_WITHDRAWAL_DAILY_LIMIT": "-5"], "GP4U_WITHDRAWAL_DAILY_LIMIT"),
            (["GP4U_WITHDRAWAL_APPROVALS": "0"], "GP4U_WITHDRAWAL_APPROVALS"),
            (["GP4U_WITHDRAWAL_REPLACE_AFTER": "soon"], "GP4U_WITHDRAWAL_REPLACE_AFTER"),
            (devChain(["GP4U_CHAIN_1337_MAX_FEE_GWEI": "-1"]), "GP4U_CHAIN_1337_MAX_FEE_GWEI"),
            (
                devChain(["GP4U_CHAIN_1337_HOT_WALLET_KEYSTORE": "/nonexistent/hot.json"]),
                "GP4U_CHAIN_1337_HOT_WALLET_KEYSTORE"
            ),
            (devChain(["GP4U_CHAIN_1337_HOT_WALLET_KEYSTORE": "/dev/null"]), "GP4U_HOT_WALLET_PASSWORD_FILE"),
        ])
    func badValues(env: [String: String], variable: String) {
        #expect {
            _ = try ServerConfiguration.fromEnvironment(env)
        } throws: { error in
            (error as? ConfigError)?.variable == variable
        }
    }

    /// A dev chain 1337 with its required settings, plus `extra`.
    static func devChain(_ extra: [String: String] = [:]) -> [String: String] {
        [
            "GP4U_CHAINS": "1337", "GP4U_CHAIN_1337_RPC_URLS": "http://127.0.0.1:8545",
            "GP4U_CHAIN_1337_USDC": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "GP4U_CHAIN_1337_DEPOSIT_ADDRESS": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ].merging(extra) { _, new in new }
    }

    @Test("the generated sample is on in simulated mode, off with chains unless set on explicitly")
    func sampleFollowsChains() throws {
        #expect(try ServerConfiguration.fromEnvironment([:]).market.snapshotEnabled)
        #expect(try !ServerConfiguration.fromEnvironment(Self.devChain()).market.snapshotEnabled)
        #expect(
            try ServerConfiguration.fromEnvironment(Self.devChain(["GP4U_MARKET_SNAPSHOT": "on"])).market
                .snapshotEnabled
        )
        #expect(try !ServerConfiguration.fromEnvironment(["GP4U_MARKET_SNAPSHOT": "off"]).market.snapshotEnabled)
    }

    @Test("withdrawal settings and per-chain fee caps: defaults, values, and the chains' minimum tips")
    func withdrawals() throws {
        let defaults = try ServerConfiguration.fromEnvironment([:]).withdrawals
        #expect(defaults.policy == WithdrawalPolicy() && defaults.replaceAfter == 180 && defaults.passwordFile == nil)
        let c = try ServerConfiguration.fromEnvironment(
            Self.devChain([
                "GP4U_WITHDRAWAL_MIN": "5", "GP4U_WITHDRAWAL_MAX": "500.5", "GP4U_WITHDRAWAL_DAILY_LIMIT": "1000",
                "GP4U_WITHDRAWAL_APPROVALS": "2", "GP4U_WITHDRAWAL_REPLACE_AFTER": "30",
                "GP4U_CHAIN_1337_MAX_FEE_GWEI": "2.5",
            ]))
        #expect(c.withdrawals.policy.minimum == USDC(micro: 5_000_000))
        #expect(c.withdrawals.policy.maximum == USDC(micro: 500_500_000))
        #expect(c.withdrawals.policy.dailyLimit == USDC(micro: 1_000_000_000))
        #expect(c.withdrawals.policy.approvalsRequired == 2 && c.withdrawals.replaceAfter == 30)
        #expect(c.chains[0].maxFeePerGas == 2_500_000_000 && c.chains[0].minimumTip == 0)
        let polygon = ChainConfiguration(
            chainID: 137, name: "Polygon PoS", rpcEndpoints: [], usdc: WithdrawalFixtures.token,
            depositAddress: WithdrawalFixtures.hot, confirmations: 128, pollInterval: .seconds(2))
        #expect(polygon.minimumTip == 25_000_000_000 && polygon.maxFeePerGas == 3_000_000_000_000)
    }

    @Test("known chains and dev chains with RPC URLs are accepted; watching turns simulation off")
    func chains() throws {
        var env = ["GP4U_CHAINS": "1, 137,1337", "GP4U_CHAIN_1337_USDC": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"]
        for id in [1, 137, 1337] {
            env["GP4U_CHAIN_\(id)_RPC_URLS"] = "http://127.0.0.1:8545"
            env["GP4U_CHAIN_\(id)_DEPOSIT_ADDRESS"] = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        }
        let c = try ServerConfiguration.fromEnvironment(env)
        #expect(c.chains.map(\.chainID) == [1, 137, 1337])
        #expect(c.chains.map(\.confirmations) == [12, 128, 2])
        #expect(!c.simulation)
        #expect(try ServerConfiguration.fromEnvironment([:]).simulation)
        // Simulation beside real chains only when asked for twice (a staging server).
        env["GP4U_SIMULATION"] = "on"
        let refused = #expect(throws: ConfigError.self) { try ServerConfiguration.fromEnvironment(env) }
        #expect(refused?.variable == "GP4U_SIMULATION")
        #expect(refused?.description.contains("GP4U_SIMULATION_WITH_CHAINS=yes") == true)
        env["GP4U_SIMULATION_WITH_CHAINS"] = "yes"
        #expect(try ServerConfiguration.fromEnvironment(env).simulation)
    }

    @Test("per-address login and signup allowances: defaults, raised, and refused values")
    func loginLimits() throws {
        let defaults = try ServerConfiguration.fromEnvironment([:]).loginLimits
        #expect(defaults.signupsPerIP == 10 && defaults.checksPerIP == 30 && defaults.failuresPerIP == 20)
        let raised = try ServerConfiguration.fromEnvironment([
            "GP4U_SIGNUPS_PER_IP_PER_HOUR": "1000", "GP4U_PASSWORD_CHECKS_PER_IP_PER_MINUTE": "90",
            "GP4U_FAILED_LOGINS_PER_IP": "40",
        ]).loginLimits
        #expect(raised.signupsPerIP == 1000 && raised.checksPerIP == 90 && raised.failuresPerIP == 40)
        #expect(raised.failuresPerEmail == 5, "the per-email limit protects one account and is not configurable")
        for bad in ["0", "-1", "ten", "2000000"] {
            let refused = #expect(throws: ConfigError.self) {
                try ServerConfiguration.fromEnvironment(["GP4U_SIGNUPS_PER_IP_PER_HOUR": bad])
            }
            #expect(refused?.variable == "GP4U_SIGNUPS_PER_IP_PER_HOUR")
        }
    }

    @Test("the help table lists the per-chain variables")
    func helpTable() {
        let names = ServerConfiguration.defaults.map(\.name)
        #expect(
            names.contains("GP4U_CHAINS") && names.contains("GP4U_CHAIN_<ID>_RPC_URLS")
                && names.contains("GP4U_CHAIN_<ID>_POLL_INTERVAL"))
    }

    @Test("PostgreSQL is chosen by URL")
    func postgresURL() throws {
        let url = "postgres://gp4u:pw@127.0.0.1:5432/gp4u?sslmode=disable"
        #expect(try ServerConfiguration.fromEnvironment(["GP4U_DATABASE_URL": url]).database == .postgres(url: url))
    }

    @Test(".env files: comments, quotes, export")
    func dotenv() {
        let parsed = DotEnv.parse(
            """
            # comment
            GP4U_PORT=9090
            export GP4U_HOST="0.0.0.0"
            GP4U_LOG_LEVEL='debug'

            BROKEN LINE
            """)
        #expect(parsed == ["GP4U_PORT": "9090", "GP4U_HOST": "0.0.0.0", "GP4U_LOG_LEVEL": "debug"])
    }
}

import ArgumentParser

/// Benchmarks print figures; they never pass or fail. Build with `-c release`.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "GP4U benchmarks (run in release mode).",
        subcommands: [
            BenchHTTP.self,
            BenchMarket.self,
            BenchCrypto.self,
            BenchDPP.self,
            BenchBookings.self,
            BenchChain.self,
            BenchWithdrawals.self,
        ]
    )
}

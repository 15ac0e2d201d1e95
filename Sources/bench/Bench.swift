import ArgumentParser
import Logging

/// Benchmarks print figures; they never pass or fail. Build with `-c release`.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "GP4U benchmarks (run in release mode).",
        subcommands: [
            BenchHTTP.self,
            BenchMarket.self,
            BenchSync.self,
            BenchCrypto.self,
            BenchDPP.self,
            BenchBookings.self,
            BenchChain.self,
            BenchWithdrawals.self,
        ]
    )
}

extension Bench {
    /// The benchmarks' logger: errors only, so figures are not lost among logs.
    static var quietLogger: Logger {
        var l = Logger(label: "bench")
        l.logLevel = .error
        return l
    }
}

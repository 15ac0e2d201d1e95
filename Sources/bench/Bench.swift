import ArgumentParser
import Logging
import Server

/// Benchmarks print figures; they never pass or fail. Build with `-c release`.
@main
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
        ]
    )

    /// Logging as `gp4u serve` sets it up, so the server's hot paths cost what they cost there.
    static func main() async {
        LoggingSystem.bootstrap { DeferredMetadataLogHandler(StreamLogHandler.standardError(label: $0)) }
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand { try await command.run() } else { try command.run() }
        } catch {
            exit(withError: error)
        }
    }
}

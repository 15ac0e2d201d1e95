import Logging
import Server

/// Logging as `gp4u serve` sets it up, so the server's hot paths cost what they cost
/// there; then the commands.
@main
enum BenchMain {
    static func main() async {
        LoggingSystem.bootstrap { DeferredMetadataLogHandler(StreamLogHandler.standardError(label: $0)) }
        await Bench.main()
    }
}

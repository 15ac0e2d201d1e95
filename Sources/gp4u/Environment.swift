import ArgumentParser
import Foundation
import Logging
import Server

/// Configuration and logging shared by the subcommands that touch the database.
struct Environment {
    let config: ServerConfiguration
    let logger: Logger

    /// Reads the environment (over `./.env`); a bad value prints one line naming the
    /// variable and exits with code 2.
    static func load() throws -> Environment {
        let config: ServerConfiguration
        do {
            config = try ServerConfiguration.fromEnvironment(DotEnv.mergedEnvironment())
        } catch {
            FileHandle.standardError.write(Data("gp4u: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        // One Environment per process: LoggingSystem may be bootstrapped only once.
        LoggingSystem.bootstrap { label in
            var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = config.logLevel
            return handler
        }
        var logger = Logger(label: "gp4u")
        logger.logLevel = config.logLevel
        return Environment(config: config, logger: logger)
    }
}

/// Prints a failure as one line on stderr and exits non-zero.
func fail(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("gp4u: \(message)\n".utf8))
    return ExitCode(code)
}

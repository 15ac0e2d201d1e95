import ArgumentParser
import Foundation
import Server
import Storage

extension Bootstrap {
    /// The process's configuration and logging; a bad value prints one line naming the
    /// variable and exits with code 2.
    static func command() throws -> Bootstrap {
        do {
            return try Bootstrap.load()
        } catch {
            throw fail(error.description, code: 2)
        }
    }

    /// ``withStore(_:_:)`` for a command: a missing database, a schema that is not this
    /// build's or an unreachable database ends the command with one line on stderr.
    func run<T: Sendable>(_ schema: Schema, _ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
        do {
            return try await withStore(schema, body)
        } catch let error as StorageError {
            throw fail(error.description)
        }
    }
}

/// Prints a failure as one line on stderr and exits non-zero.
func fail(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("gp4u: \(message)\n".utf8))
    return ExitCode(code)
}

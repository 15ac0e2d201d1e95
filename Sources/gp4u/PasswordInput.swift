import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a secret from a file (first line) or from the terminal without echo.
enum PasswordInput {
    static func read(file: String?, prompt: String, confirm: Bool = false) throws -> String {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw fail("cannot read password file \(file)")
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        let first = try readHidden(prompt)
        if confirm, try readHidden("Again: ") != first { throw fail("passwords do not match") }
        return first
    }

    private static func readHidden(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var old = termios()
        let isTTY = tcgetattr(STDIN_FILENO, &old) == 0
        if isTTY {
            var silent = old
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if isTTY {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &old)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        guard let line = readLine(strippingNewline: true) else { throw fail("no password given") }
        return line
    }
}

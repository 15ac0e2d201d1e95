import Foundation
import Signer

#if canImport(Glibc)
    import Glibc
#endif

/// Password input without echo. Passwords are bytes (UTF-8, no normalisation), as every
/// keystore implementation treats them.
enum Password {
    static func fromFile(_ path: String) throws -> [UInt8] {
        try CLIError.wrap { try Keystore.password(fromFile: path) }
    }

    static func prompt(confirm: Bool) throws -> [UInt8] {
        let first = try readHidden("Password: ")
        if confirm {
            var second = try readHidden("Repeat password: ")
            defer { zero(&second) }
            guard first == second else { throw CLIError("passwords do not match") }
        }
        return first
    }

    /// Reads one line from the terminal with echo turned off (termios), restoring the
    /// terminal state afterwards.
    static func readHidden(_ prompt: String) throws -> [UInt8] {
        let fd = open("/dev/tty", O_RDWR)
        guard fd >= 0 else { throw CLIError("no terminal to prompt for a password; use --password-file") }
        defer { close(fd) }
        _ = prompt.withCString { Glibc.write(fd, $0, strlen($0)) }
        var old = termios()
        tcgetattr(fd, &old)
        var silent = old
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(fd, TCSAFLUSH, &silent)
        defer {
            tcsetattr(fd, TCSAFLUSH, &old)
            _ = Glibc.write(fd, "\n", 1)
        }
        var out: [UInt8] = []
        var c: UInt8 = 0
        while read(fd, &c, 1) == 1, c != 0x0a { out.append(c) }
        if out.last == 0x0d { out.removeLast() }
        return out
    }

    static func zero(_ bytes: inout [UInt8]) {
        for i in bytes.indices { bytes[i] = 0 }
    }
}

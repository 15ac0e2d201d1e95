import ArgumentParser
import Ethereum
import Foundation
import Signer

#if canImport(Glibc)
    import Glibc
#endif

/// `gp4u keys`: create, import and inspect keystore v3 files (geth-compatible).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, import and inspect encrypted key files (keystore v3).",
        subcommands: [New.self, Import.self, AddressOf.self, SignMessage.self, RecoverMessage.self]
    )

    /// Where the password comes from; shared by every command that needs one.
    struct PasswordOptions: ParsableArguments {
        @Option(name: .long, help: "Read the password from the first line of this file instead of prompting.")
        var passwordFile: String?

        func read(confirm: Bool) throws -> [UInt8] {
            if let passwordFile { return try Password.fromFile(passwordFile) }
            return try Password.prompt(confirm: confirm)
        }
    }

    /// How strongly new files are encrypted: geth's standard scrypt cost by default, never
    /// below 2^14 nor with an empty password for a real key.
    struct ScryptOptions: ParsableArguments {
        static let minimumN = 1 << 14

        @Option(name: .long, help: "scrypt N (power of two; default 262144, at least 16384).")
        var scryptN: Int = Keystore.ScryptParameters.standard.n
        @Option(name: .long, help: "scrypt p (default 1).")
        var scryptP: Int = Keystore.ScryptParameters.standard.p
        @Flag(help: "A throwaway key for tests: allow a lower --scrypt-n and an empty password.")
        var insecureTestKey = false

        var parameters: Keystore.ScryptParameters { .init(n: scryptN, r: 8, p: scryptP) }

        func validate() throws {
            guard scryptN >= 2, scryptN & (scryptN - 1) == 0 else {
                throw ValidationError("--scrypt-n must be a power of two")
            }
            guard scryptN >= Self.minimumN || insecureTestKey else {
                throw ValidationError(
                    "--scrypt-n below \(Self.minimumN) (2^14) is too weak for a real key; add --insecure-test-key "
                        + "only for a throwaway test key")
            }
            guard (1...16).contains(scryptP) else { throw ValidationError("--scrypt-p must be between 1 and 16") }
        }

        /// Refuses an empty password for a real key.
        func check(password: [UInt8]) throws {
            guard !password.isEmpty || insecureTestKey else {
                throw CLIError("an empty password leaves the key unprotected; choose one (or --insecure-test-key)")
            }
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a new key and write it encrypted; prints the address.")

        @Option(name: .long, help: "Keystore file to create (must not exist).")
        var out: String
        @OptionGroup var password: PasswordOptions
        @OptionGroup var scrypt: ScryptOptions

        func run() throws {
            var pw = try password.read(confirm: true)
            defer { Password.zero(&pw) }
            try scrypt.check(password: pw)
            let key = PrivateKey.generate()
            try CLIError.wrap {
                try Keystore.write(try Keystore.encrypt(key, password: pw, scrypt: scrypt.parameters), to: out)
            }
            print(key.address.checksummed)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt a hex private key read from stdin; prints the address.")

        @Option(name: .long, help: "Keystore file to create (must not exist).")
        var out: String
        @OptionGroup var password: PasswordOptions
        @OptionGroup var scrypt: ScryptOptions

        func run() throws {
            var input = Array(FileHandle.standardInput.readDataToEndOfFile())
            defer { Password.zero(&input) }
            let key = try CLIError.wrap { try PrivateKey(hex: String(decoding: input, as: UTF8.self)) }
            var pw = try password.read(confirm: true)
            defer { Password.zero(&pw) }
            try scrypt.check(password: pw)
            try CLIError.wrap {
                try Keystore.write(try Keystore.encrypt(key, password: pw, scrypt: scrypt.parameters), to: out)
            }
            print(key.address.checksummed)
        }
    }

    struct AddressOf: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "address",
            abstract: "Print a keystore's address; with a password, decrypt it and check the address."
        )

        @Argument(help: "Keystore file.")
        var file: String
        @Option(name: .long, help: "Decrypt with the password in this file and verify the address.")
        var passwordFile: String?

        func run() throws {
            if let passwordFile {
                var pw = try Password.fromFile(passwordFile)
                defer { Password.zero(&pw) }
                let key = try CLIError.wrap { try Keystore.read(path: file, password: pw) }
                print(key.address.checksummed)
                return
            }
            guard let address = try CLIError.wrap({ try Keystore.address(path: file) }) else {
                throw CLIError("\(file) records no address; pass --password-file to decrypt it and derive the address")
            }
            print(address.checksummed)
        }
    }
}

extension KeysCommand {
    struct SignMessage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-message",
            abstract: "personal_sign (EIP-191) the bytes on stdin; prints the 65-byte signature as 0x hex (v = 27/28)."
        )

        @Option(name: .long, help: "Keystore file of the signing key.")
        var keystore: String
        @Option(name: .long, help: "File whose first line is the keystore password.")
        var passwordFile: String
        @Flag(name: .long, help: "Each stdin line is one message as 0x hex; print one signature per line.")
        var lines = false

        func run() throws {
            var pw = try Password.fromFile(passwordFile)
            defer { Password.zero(&pw) }
            let key = try CLIError.wrap { try Keystore.read(path: keystore, password: pw) }
            let input = Array(FileHandle.standardInput.readDataToEndOfFile())
            let messages: [[UInt8]] = lines ? try LineInput.hexLines(input).map { $0[0] } : [input]
            for m in messages {
                print(Hex.encode(try CLIError.wrap { try PersonalSign.sign(m, with: key) }))
            }
        }
    }

    struct RecoverMessage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recover-message",
            abstract: "Recover the address that personal_signed a message (stdin bytes) with --signature."
        )

        @Option(name: .long, help: "The 65-byte signature as 0x hex (v 27/28 or 0/1).")
        var signature: String?
        @Flag(name: .long, help: "Each stdin line is \"0xMESSAGE 0xSIGNATURE\"; print one address per line.")
        var lines = false

        func validate() throws {
            guard lines != (signature != nil) else { throw ValidationError("pass either --signature or --lines") }
        }

        func run() throws {
            let input = Array(FileHandle.standardInput.readDataToEndOfFile())
            let pairs: [[[UInt8]]] =
                lines
                ? try LineInput.hexLines(input, fields: 2)
                : [[input, try CLIError.wrap { try Hex.decode(signature!, prefix: .required) }]]
            for p in pairs {
                print(try CLIError.wrap { try PersonalSign.recover(p[0], signature: p[1]) }.checksummed)
            }
        }
    }
}

/// Batch input: one record per line, fields separated by spaces, each 0x hex.
enum LineInput {
    static func hexLines(_ input: [UInt8], fields: Int = 1) throws -> [[[UInt8]]] {
        var out: [[[UInt8]]] = []
        for (n, line) in input.split(separator: 0x0a).enumerated() {
            let parts = line.split(separator: 0x20).map {
                String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == fields else { throw CLIError("line \(n + 1): expected \(fields) hex field(s)") }
            out.append(
                try parts.map { p in
                    do { return try Hex.decode(p, prefix: .required) } catch {
                        throw CLIError("line \(n + 1): \(error)")
                    }
                })
        }
        return out
    }
}

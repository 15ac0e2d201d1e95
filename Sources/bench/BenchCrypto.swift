import ArgumentParser
import Ethereum
import Foundation
import Signer

/// `bench crypto`: keccak-256 throughput, sign+recover rate and keystore decryption time,
/// side by side with the Python reference libraries (pycryptodome, coincurve, eth-keyfile)
/// measured in the same run on the same machine.
struct BenchCrypto: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto",
        abstract: "Keccak-256, secp256k1 sign+recover and keystore decrypt vs Python references."
    )

    @Option(help: "Python interpreter with pycryptodome, coincurve and eth-keyfile (skip the comparison if absent).")
    var python: String?
    @Option(help: "The Python reference script.")
    var reference: String = "Tests/python/signer/bench_reference.py"
    @Option(help: "Approximate seconds per measurement.")
    var seconds: Double = 1.0

    struct Figures: Codable {
        var keccak64MBps: Double
        var keccak1MiBMBps: Double
        var signRecoverPerSecond: Double
        var scryptDecryptSeconds: Double

        enum CodingKeys: String, CodingKey {
            case keccak64MBps = "keccak_64_mbps"
            case keccak1MiBMBps = "keccak_1mib_mbps"
            case signRecoverPerSecond = "sign_recover_per_s"
            case scryptDecryptSeconds = "scrypt_decrypt_s"
        }
    }

    func run() throws {
        let ours = try measure()
        var theirs: Figures?
        if let python {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = [reference, "--seconds", "\(seconds)"]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let out = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else {
                throw CLIError("the Python reference failed (exit \(p.terminationStatus))")
            }
            theirs = try JSONDecoder().decode(Figures.self, from: out)
        }
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? fill + s : s + fill
        }
        func num(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "n/a" }
        func row(_ name: String, _ a: Double, _ b: Double?, _ unit: String, goal: String) {
            let ratio = b.map { String(format: "%.2fx", a / $0) } ?? "n/a"
            print(
                pad(name, 40) + pad(num(a), 12, left: true) + pad(num(b), 12, left: true) + "  " + pad(unit, 6)
                    + pad(ratio, 8, left: true) + "   " + goal)
        }
        print(
            pad("metric (reference library)", 40) + pad("gp4u", 12, left: true) + pad("reference", 12, left: true)
                + "  " + pad("unit", 6) + pad("ratio", 8, left: true) + "   goal")
        row("keccak-256 64 B (pycryptodome)", ours.keccak64MBps, theirs?.keccak64MBps, "MB/s", goal: "(info)")
        row("keccak-256 1 MiB (pycryptodome)", ours.keccak1MiBMBps, theirs?.keccak1MiBMBps, "MB/s", goal: ">= 1.0x")
        row(
            "sign+recover (coincurve)", ours.signRecoverPerSecond, theirs?.signRecoverPerSecond, "ops/s",
            goal: ">= 0.9x")
        row(
            "keystore decrypt n=2^18 (eth-keyfile)", ours.scryptDecryptSeconds, theirs?.scryptDecryptSeconds, "s",
            goal: "<= 1.5x (time ratio)")
    }

    func measure() throws -> Figures {
        var sink: UInt8 = 0
        let small = [UInt8](repeating: 0x61, count: 64)
        let large = [UInt8](repeating: 0x61, count: 1 << 20)
        let k64 = rate(bytesPerCall: 64) { sink ^= Keccak256.hash(small)[0] }
        let k1m = rate(bytesPerCall: large.count) {
            large.withUnsafeBytes { raw in
                var h = Keccak256()
                h.update(raw)
                sink ^= h.finalize()[0]
            }
        }

        let key = PrivateKey.generate()
        var digest = Keccak256.hash([1, 2, 3])
        let signRecover = rate(bytesPerCall: 1) {
            let sig = try! key.sign(digest: digest)
            let pub = try! sig.recoverPublicKey(digest: digest)
            digest[0] ^= pub.uncompressed[0]
        }

        let password = Array("correct horse battery staple".utf8)
        let file = try Keystore.encrypt(key, password: password, scrypt: .standard)
        var best = Double.infinity
        for _ in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let k = try Keystore.decrypt(json: file, password: password)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            precondition(k.address == key.address)
            best = min(best, dt)
        }
        if sink == 0x42 { print("") }  // keep the hashing observable
        return Figures(
            keccak64MBps: k64 / 1e6, keccak1MiBMBps: k1m / 1e6, signRecoverPerSecond: signRecover,
            scryptDecryptSeconds: best)
    }

    /// Calls `body` repeatedly for about `seconds`; returns bytesPerCall × calls per second.
    func rate(bytesPerCall: Int, _ body: () -> Void) -> Double {
        for _ in 0..<10 { body() }
        var calls = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        var batch = 1
        while elapsed < seconds {
            for _ in 0..<batch { body() }
            calls += batch
            batch = min(batch * 2, 4096)
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        return Double(calls * bytesPerCall) / elapsed
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

import Ethereum
import Foundation
import TestSupport
import Testing

struct KeccakFile: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let inputHex: String
        let outputHex: String
        let source: String?
        var testDescription: String { "\((inputHex.count - 2) / 2) bytes" }
    }
    struct Streaming: Decodable, Sendable {
        let `repeat`: Int
        let text: String
        let outputHex: String
    }
    let vectors: [Vector]
    let textVectors: [Vector]
    let streaming: [Streaming]
}

@Suite("Keccak-256")
struct KeccakTests {
    static let file: KeccakFile = try! Vectors.load("keccak256.json")

    @Test(
        "known answers, including the 135/136/137-byte rate boundaries",
        arguments: KeccakTests.file.vectors + KeccakTests.file.textVectors)
    func knownAnswer(_ v: KeccakFile.Vector) {
        #expect(Hex.encode(Keccak256.hash([UInt8](hex: v.inputHex))) == v.outputHex)
    }

    @Test("incremental hashing in uneven chunks equals one-shot", arguments: [1, 7, 64, 135, 136, 137, 500])
    func streamingChunks(_ chunk: Int) {
        for v in Self.file.vectors where v.inputHex.count > 2 {
            let input = [UInt8](hex: v.inputHex)
            var h = Keccak256()
            var i = 0
            while i < input.count {
                h.update(input[i..<Swift.min(i + chunk, input.count)])
                i += chunk
            }
            #expect(Hex.encode(h.finalize()) == v.outputHex)
        }
    }

    @Test("random inputs: streaming over raw buffers equals one-shot")
    func randomStreaming() {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            let data = rng.bytes(Int.random(in: 0...2000, using: &rng))
            var h = Keccak256()
            var rest = data[...]
            while !rest.isEmpty {
                let n = Int.random(in: 1...300, using: &rng)
                let part = rest.prefix(n)
                part.withUnsafeBytes { h.update($0) }
                rest = rest.dropFirst(n)
            }
            #expect(h.finalize() == Keccak256.hash(data))
        }
    }

    /// The 1 GiB ExtremelyLongMsgKAT. Too slow for a debug build, so it runs when
    /// GP4U_LONG_TESTS is set (e.g. `GP4U_LONG_TESTS=1 swift test -c release --filter Keccak`).
    @Test("1 GiB streaming KAT", .enabled(if: ProcessInfo.processInfo.environment["GP4U_LONG_TESTS"] != nil))
    func extremelyLong() {
        for s in Self.file.streaming {
            let block = Array(String(repeating: s.text, count: 1024).utf8)
            var h = Keccak256()
            let blocks = s.`repeat` / 1024
            block.withUnsafeBytes { raw in
                for _ in 0..<blocks { h.update(raw) }
            }
            #expect(Hex.encode(h.finalize()) == s.outputHex)
        }
    }

    @Test("streaming vector shape: repeat is a multiple of the chunking used above")
    func streamingShape() {
        for s in Self.file.streaming { #expect(s.repeat % 1024 == 0) }
    }
}

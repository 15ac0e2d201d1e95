import Ethereum
import TestSupport
import Testing

struct EIP55File: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let lower: String
        let checksummed: String
        var testDescription: String { checksummed }
    }
    struct Invalid: Decodable, Sendable, CustomTestStringConvertible {
        let address: String
        let correct: String
        let reason: String
        var testDescription: String { reason }
    }
    let vectors: [Vector]
    let invalidChecksum: [Invalid]
}

@Suite("Address (EIP-55)")
struct AddressTests {
    static let file: EIP55File = try! Vectors.load("eip55.json")

    @Test("checksum output and parsing of every accepted spelling", arguments: AddressTests.file.vectors)
    func checksum(_ v: EIP55File.Vector) throws {
        let fromLower = try Address(parsing: v.lower)
        #expect(fromLower.checksummed == v.checksummed)
        #expect(fromLower.lowercased == v.lower)
        #expect(try Address(parsing: v.checksummed) == fromLower)
        let upper = "0x" + v.lower.dropFirst(2).uppercased()
        #expect(try Address(parsing: upper) == fromLower)
    }

    /// Mixed case with a wrong checksum is refused; an all-uppercase spelling carries no
    /// checksum and is accepted (our documented policy).
    @Test("bad checksums", arguments: AddressTests.file.invalidChecksum)
    func badChecksum(_ v: EIP55File.Invalid) throws {
        let digits = v.address.dropFirst(2)
        if digits == digits.uppercased() || digits == digits.lowercased() {
            #expect(try Address(parsing: v.address).checksummed == v.correct)
        } else {
            #expect(throws: AddressError.badChecksum) { try Address(parsing: v.address) }
        }
    }

    @Test(
        "malformed addresses",
        arguments: [
            ("52908400098527886e0f7030069857d2e4169ee7", AddressError.missingPrefix),
            ("0x52908400098527886e0f7030069857d2e4169e", AddressError.wrongLength(19)),
            ("0x52908400098527886e0f7030069857d2e4169ee7aa", AddressError.wrongLength(21)),
            ("0x52908400098527886e0f7030069857d2e4169eeg", AddressError.invalidHex(.invalidCharacter(offset: 41))),
        ])
    func malformed(_ input: String, _ expected: AddressError) {
        #expect(throws: expected) { try Address(parsing: input) }
    }
}

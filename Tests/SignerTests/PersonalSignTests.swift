import Ethereum
import Signer
import TestSupport
import Testing

struct PersonalSignFile: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let privateKey: String?
        let message: String?
        let messageHex: String
        let prefixedMessageHex: String?
        let messageHash: String
        let signature: String?
        let address: String?
        var testDescription: String { name }
    }
    let vectors: [Vector]
    let hashOnly: [Vector]
    let recoverOnly: [Vector]
}

@Suite("personal_sign (EIP-191)")
struct PersonalSignTests {
    static let file: PersonalSignFile = try! Vectors.load("personal_sign.json")

    @Test("sign reproduces the signature; recover gives the address", arguments: PersonalSignTests.file.vectors)
    func signAndRecover(_ v: PersonalSignFile.Vector) throws {
        let message = [UInt8](hex: v.messageHex)
        if let text = v.message { #expect(Array(text.utf8) == message) }
        #expect(Hex.encode(PersonalSign.prefixed(message)) == v.prefixedMessageHex)
        #expect(Hex.encode(PersonalSign.hash(message)) == v.messageHash)
        let key = try PrivateKey(hex: v.privateKey!)
        #expect(Hex.encode(try PersonalSign.sign(message, with: key)) == v.signature)
        #expect(try PersonalSign.recover(message, signature: [UInt8](hex: v.signature!)).checksummed == v.address)
    }

    @Test("hashes", arguments: PersonalSignTests.file.hashOnly)
    func hashOnly(_ v: PersonalSignFile.Vector) {
        #expect(Hex.encode(PersonalSign.hash([UInt8](hex: v.messageHex))) == v.messageHash)
    }

    @Test("recovery accepts v as 27/28 or 0/1", arguments: PersonalSignTests.file.recoverOnly)
    func recoverOnly(_ v: PersonalSignFile.Vector) throws {
        let message = [UInt8](hex: v.messageHex)
        #expect(Hex.encode(PersonalSign.hash(message)) == v.messageHash)
        #expect(try PersonalSign.recover(message, signature: [UInt8](hex: v.signature!)).checksummed == v.address)
    }

    @Test("a signature over another message recovers another address")
    func wrongMessage() throws {
        let v = Self.file.vectors[0]
        let other = try PersonalSign.recover(Array("something else".utf8), signature: [UInt8](hex: v.signature!))
        #expect(other.checksummed != v.address)
    }
}

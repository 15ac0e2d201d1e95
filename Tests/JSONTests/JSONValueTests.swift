import Foundation
import JSON
import TestSupport
import Testing

/// The transport's own JSON reader must read exactly what `JSONDecoder` reads and refuse
/// what RFC 8259 refuses; its writer must write what both read back unchanged.
@Suite("JSON-RPC value reader")
struct JSONValueDecodingTests {
    static func viaFoundation(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static let documents = [
        #"{"jsonrpc":"2.0","id":7,"result":{"number":"0x1b4","hash":"0xdc0818cf78f21a8e70579cb46a43643f78291264dda342ae31049421c82d21ae","logsBloom":"0x00","transactions":[]}}"#,
        #"[{"jsonrpc":"2.0","id":1,"result":[{"address":"0xa0b8","topics":["0xddf2","0x0000"],"data":"0x01","removed":false,"logIndex":"0x0"}]},{"jsonrpc":"2.0","id":2,"error":{"code":-32005,"message":"query returned more than 10000 results. Try with this block range [0x1, 0x2]."}}]"#,
        #"  {"a" : [ 1 , -2.5e3 , 0 , -0 , 1E-2 , 123456789012345 , true , false , null , { } , [ ] ] }  "#,
        #"{"escapes":"quote \" backslash \\ slash \/ \b\f\n\r\t é \u00e9 \u20AC \ud83d\ude00 end"}"#,
        #""just a string""#, "42", "null", "[[[[[]]]]]",
    ]

    @Test("reads node responses, escapes, numbers and nesting exactly as JSONDecoder does", arguments: documents)
    func agreesWithFoundation(text: String) throws {
        #expect(try JSONValue(parsing: Array(text.utf8)) == Self.viaFoundation(text))
    }

    @Test(
        "refuses what is not one JSON value",
        arguments: [
            "", " ", "{", "[1,]", "{\"a\":1,}", "[1 2]", "01", "1.", ".5", "-", "+1", "1e", "tru", "nul", "\"open",
            "\"tab\there\"", "\"bad \\x escape\"", "\"\\ud83d alone\"", "\"\\u12\"", "{1:2}", "{\"a\" 1}", "[1] [2]",
            "1 x",
            String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
        ])
    func refusesMalformed(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test("refuses invalid UTF-8 in strings")
    func refusesInvalidUTF8() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test("random values survive JSONEncoder then this reader, and this writer then either reader")
    func randomRoundTrips() throws {
        var rng = SeededGenerator(seed: 2026)
        func random(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &rng))
            case 2:
                return Bool.random(using: &rng)
                    ? .number(Double(Int64.random(in: -1_000_000_000...1_000_000_000, using: &rng)))
                    : .number(Double.random(in: -1e6...1e6, using: &rng))
            case 3:
                let alphabet = Array("ab\"\\/\n\t\u{1}é€😀 0x")
                return .string(
                    String((0..<Int.random(in: 0..<12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
            case 4: return .array((0..<Int.random(in: 0..<5, using: &rng)).map { _ in random(depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<Int.random(in: 0..<5, using: &rng) {
                    members["k\(Int.random(in: 0..<8, using: &rng))"] = random(depth + 1)
                }
                return .object(members)
            }
        }
        for _ in 0..<2_000 {
            let value = random(0)
            let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
            let read = try JSONValue(parsing: Array(text.utf8))
            #expect(read == value, "\(text)")
            #expect(read == (try Self.viaFoundation(text)))
            // And the transport's own writer, read back by both readers.
            #expect(try JSONValue(parsing: Array(value.jsonText.utf8)) == value, "\(value.jsonText)")
            #expect(try Self.viaFoundation(value.jsonText) == value)
        }
    }
}

/// A direct JSON reader for node responses. A backfill decodes megabytes of logs and
/// headers, and going through `JSONDecoder` and `Codable` containers cost more CPU than
/// everything else the watcher does; this reads the bytes once into the value tree.
extension JSONValue {
    /// Why a body is not one JSON value (RFC 8259), with the byte offset.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses exactly one JSON value (surrounding whitespace allowed), or throws.
    public init(parsing bytes: some Collection<UInt8>) throws(ParseError) {
        func read(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, ParseError> {
            var reader = JSONReader(bytes: buffer)
            return Result { () throws(ParseError) in try reader.document() }
        }
        self = try (bytes.withContiguousStorageIfAvailable(read) ?? Array(bytes).withUnsafeBufferPointer(read)).get()
    }
}

/// Recursive descent over UTF-8 bytes, nesting bounded so hostile input cannot exhaust
/// the stack.
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0
    var depth = 0
    static let maxDepth = 256

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() throws(JSONValue.ParseError) -> JSONValue {
        let value = try self.value()
        skipSpace()
        guard at == bytes.count else { throw fail("trailing data after the value") }
        return value
    }

    func fail(_ reason: String) -> JSONValue.ParseError { .init(offset: at, reason: reason) }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 {
            at += 1
        }
    }

    mutating func value() throws(JSONValue.ParseError) -> JSONValue {
        skipSpace()
        guard at < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONValue.ParseError) {
        let n = word.utf8CodeUnitCount
        guard at + n <= bytes.count else { throw fail("unexpected end of input") }
        for i in 0..<n where bytes[at + i] != word.utf8Start[i] { throw fail("invalid literal") }
        at += n
    }

    mutating func nest() throws(JSONValue.ParseError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth)") }
        at += 1
        skipSpace()
    }

    mutating func object() throws(JSONValue.ParseError) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        var members: [String: JSONValue] = [:]
        if closes(UInt8(ascii: "}")) { return .object(members) }
        repeat {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try string()
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            at += 1
            members[key] = try value()
        } while try another(closing: UInt8(ascii: "}"))
        return .object(members)
    }

    mutating func array() throws(JSONValue.ParseError) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        if closes(UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            elements.append(try value())
        } while try another(closing: UInt8(ascii: "]"))
        return .array(elements)
    }

    /// Consumes `close` if it comes next (an empty object or array).
    mutating func closes(_ close: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == close else { return false }
        at += 1
        return true
    }

    /// After a member or element: true past a comma (another follows), false past `close`.
    mutating func another(closing close: UInt8) throws(JSONValue.ParseError) -> Bool {
        skipSpace()
        guard at < bytes.count else { throw fail("unexpected end of input") }
        if bytes[at] == UInt8(ascii: ",") {
            at += 1
            return true
        }
        guard closes(close) else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        return false
    }

    /// A string token; the fast path copies runs without escapes straight from the bytes.
    mutating func string() throws(JSONValue.ParseError) -> String {
        at += 1  // the opening quote
        let start = at
        var ascii = true
        while at < bytes.count {
            let b = bytes[at]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<at])
                let text: String
                if ascii {
                    // Node output is ASCII (hex, names): a plain copy, without the generic
                    // validating initializer, whose runtime type lookups cost more than it.
                    text = String(unsafeUninitializedCapacity: raw.count) { $0.initialize(fromContentsOf: raw) }
                } else {
                    guard let valid = String(validating: raw, as: UTF8.self) else {
                        throw fail("string is not valid UTF-8")
                    }
                    text = valid
                }
                at += 1
                return text
            }
            if b == UInt8(ascii: "\\") { break }
            guard b >= 0x20 else { throw fail("control character in a string") }
            ascii = ascii && b < 0x80
            at += 1
        }
        // With escapes: decode into bytes, then validate once.
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
        while at < bytes.count {
            let b = bytes[at]
            switch b {
            case UInt8(ascii: "\""):
                at += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                at += 1
                guard at < bytes.count else { throw fail("unexpected end of input") }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                default: throw fail("invalid escape")
                }
            case 0..<0x20:
                throw fail("control character in a string")
            default:
                out.append(b)
                at += 1
            }
        }
        throw fail("unterminated string")
    }

    /// After `\u`: four hex digits, a surrogate pair taking a second `\uXXXX`.
    mutating func unicodeEscape() throws(JSONValue.ParseError) -> [UInt8] {
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {
            guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate")
            }
            at += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let u = Unicode.Scalar(scalar) else { throw fail("unpaired surrogate") }
        return Array(String(Character(u)).utf8)
    }

    mutating func hex4() throws(JSONValue.ParseError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw fail("unexpected end of input") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[at]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | UInt32(digit)
            at += 1
        }
        return v
    }

    /// RFC 8259's number grammar, checked here; the value is read by `Double`.
    mutating func number() throws(JSONValue.ParseError) -> Double {
        let start = at
        func digits(_ r: inout JSONReader) -> Int {
            let s = r.at
            while r.at < r.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(r.bytes[r.at]) { r.at += 1 }
            return r.at - s
        }
        if bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count else { throw fail("invalid number") }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
        } else if digits(&self) == 0 {
            throw fail("invalid number")
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits(&self) > 0 else { throw fail("invalid number") }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits(&self) > 0 else { throw fail("invalid number") }
        }
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self),
            let n = Double(text)
        else {
            throw fail("invalid number")
        }
        return n
    }
}

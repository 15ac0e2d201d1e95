/// A Recursive Length Prefix value: a byte string or a list of values.
///
/// Transactions are signed over their RLP encoding, so the decoder is strict: the same
/// value must have exactly one accepted encoding, otherwise two different byte strings
/// could claim to be the same transaction. Non-canonical lengths, single bytes wrapped
/// in a string header, trailing bytes and lengths past the end are all refused.
public enum RLP: Sendable, Hashable {
    case bytes([UInt8])
    case list([RLP])

    /// Deepest nesting the decoder accepts; transactions need four levels.
    public static let maxDepth = 256

    /// The canonical encoding of this value.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// Appends the canonical encoding to `out`.
    public func encode(into out: inout [UInt8]) {
        switch self {
        case .bytes(let b):
            if b.count == 1 && b[0] < 0x80 {
                out.append(b[0])
            } else {
                Self.appendHeader(count: b.count, shortBase: 0x80, into: &out)
                out.append(contentsOf: b)
            }
        case .list(let items):
            var payload: [UInt8] = []
            for item in items { item.encode(into: &payload) }
            Self.appendHeader(count: payload.count, shortBase: 0xc0, into: &out)
            out.append(contentsOf: payload)
        }
    }

    static func appendHeader(count: Int, shortBase: UInt8, into out: inout [UInt8]) {
        if count < 56 {
            out.append(shortBase + UInt8(count))
        } else {
            let len = bigEndianMinimal(UInt64(count))
            out.append(shortBase + 55 + UInt8(len.count))
            out.append(contentsOf: len)
        }
    }

    static func bigEndianMinimal(_ v: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var x = v
        while x > 0 {
            out.insert(UInt8(x & 0xff), at: 0)
            x >>= 8
        }
        return out
    }

    /// Decodes exactly one value spanning all of `input`.
    public static func decode(_ input: some Collection<UInt8>) throws(RLPError) -> RLP {
        let bytes = Array(input)
        guard !bytes.isEmpty else { throw .empty }
        var offset = 0
        let value = try decodeItem(bytes, &offset, end: bytes.count, depth: 0)
        guard offset == bytes.count else { throw .trailingBytes(bytes.count - offset) }
        return value
    }

    static func decodeItem(_ b: [UInt8], _ offset: inout Int, end: Int, depth: Int) throws(RLPError) -> RLP {
        guard depth <= maxDepth else { throw .tooDeep }
        guard offset < end else { throw .truncated }
        let prefix = b[offset]
        switch prefix {
        case 0x00...0x7f:
            offset += 1
            return .bytes([prefix])
        case 0x80...0xbf:
            let (start, length) = try header(b, &offset, end: end, shortBase: 0x80)
            if length == 1 && b[start] < 0x80 { throw .nonCanonicalSingleByte }
            offset = start + length
            return .bytes(Array(b[start..<start + length]))
        default:
            let (start, length) = try header(b, &offset, end: end, shortBase: 0xc0)
            var items: [RLP] = []
            var p = start
            let listEnd = start + length
            while p < listEnd {
                items.append(try decodeItem(b, &p, end: listEnd, depth: depth + 1))
            }
            offset = listEnd
            return .list(items)
        }
    }

    /// Reads a string or list header at `offset`; returns the payload start and length.
    static func header(_ b: [UInt8], _ offset: inout Int, end: Int, shortBase: UInt8) throws(RLPError) -> (Int, Int) {
        let prefix = b[offset]
        let short = Int(prefix - shortBase)
        if short <= 55 {
            let start = offset + 1
            guard short <= end - start else { throw .lengthPastEnd }
            return (start, short)
        }
        let lenOfLen = short - 55
        let lenStart = offset + 1
        guard lenOfLen <= end - lenStart else { throw .truncated }
        guard b[lenStart] != 0 else { throw .leadingZeroInLength }
        var length: UInt64 = 0
        for i in 0..<lenOfLen { length = length << 8 | UInt64(b[lenStart + i]) }
        guard length >= 56 else { throw .nonCanonicalLength }
        let start = lenStart + lenOfLen
        guard length <= UInt64(end - start) else { throw .lengthPastEnd }
        return (start, Int(length))
    }
}

extension RLP {
    /// The byte string, or an error if this is a list.
    public func asBytes() throws(RLPError) -> [UInt8] {
        guard case .bytes(let b) = self else { throw .expectedBytes }
        return b
    }

    /// The list items, or an error if this is a byte string.
    public func asList() throws(RLPError) -> [RLP] {
        guard case .list(let l) = self else { throw .expectedList }
        return l
    }
}

/// Why an RLP encoding was refused.
public enum RLPError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case truncated
    case lengthPastEnd
    case trailingBytes(Int)
    case leadingZeroInLength
    case nonCanonicalLength
    case nonCanonicalSingleByte
    case leadingZeroInInteger
    case integerTooLarge(maxBytes: Int)
    case tooDeep
    case expectedBytes
    case expectedList

    public var description: String {
        switch self {
        case .empty: "RLP input is empty"
        case .truncated: "RLP input ends inside a header"
        case .lengthPastEnd: "RLP length points past the end of the input"
        case .trailingBytes(let n): "RLP input has \(n) trailing bytes after the value"
        case .leadingZeroInLength: "RLP length has a leading zero byte (non-canonical)"
        case .nonCanonicalLength: "RLP uses a long length form for fewer than 56 bytes (non-canonical)"
        case .nonCanonicalSingleByte: "RLP wraps a single byte below 0x80 in a string header (non-canonical)"
        case .leadingZeroInInteger: "RLP integer has a leading zero byte (non-canonical)"
        case .integerTooLarge(let n): "RLP integer is longer than \(n) bytes"
        case .tooDeep: "RLP lists are nested more than \(RLP.maxDepth) levels deep"
        case .expectedBytes: "RLP value is a list where a byte string was expected"
        case .expectedList: "RLP value is a byte string where a list was expected"
        }
    }
}

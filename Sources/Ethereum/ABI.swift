/// Solidity ABI encoding and strict decoding of argument lists (tuples of `ABIType`).
///
/// Decoding checks every offset and length against the input before reading, and rejects
/// non-zero padding and out-of-range integers, so hostile return data or logs fail with
/// an `ABIError` instead of trapping or allocating without bound.
public enum ABI {
    /// Call data: the 4-byte selector of `signature` (e.g. `"transfer(address,uint256)"`)
    /// followed by the encoded arguments.
    public static func encodeCall(_ signature: String, _ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        let (name, types) = try parseSignature(signature)
        return selector(name: name, types: types) + (try encode(values, as: types))
    }

    /// Splits `name(t1,t2,...)` into its name and parsed argument types.
    public static func parseSignature(_ signature: String) throws(ABIError) -> (name: String, types: [ABIType]) {
        guard let open = signature.firstIndex(of: "("), signature.hasSuffix(")") else {
            throw .unsupportedType(signature)
        }
        let name = String(signature[..<open])
        guard !name.isEmpty else { throw .unsupportedType(signature) }
        let list = signature[signature.index(after: open)..<signature.index(before: signature.endIndex)]
        var types: [ABIType] = []
        if !list.isEmpty {
            for part in list.split(separator: ",", omittingEmptySubsequences: false) {
                types.append(try ABIType(parsing: part))
            }
        }
        return (name, types)
    }

    /// The first four bytes of keccak256 of the canonical signature.
    public static func selector(name: String, types: [ABIType]) -> [UInt8] {
        Array(Keccak256.hash(utf8: "\(name)(\(types.map(\.description).joined(separator: ",")))").prefix(4))
    }

    /// Encodes `values` as the tuple `types` (no selector).
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws(ABIError) -> [UInt8] {
        guard values.count == types.count else {
            throw .typeMismatch("\(values.count) values for \(types.count) types")
        }
        var head: [UInt8] = []
        var tail: [UInt8] = []
        let headSize = types.reduce(0) { $0 + $1.headSize }
        for (type, value) in zip(types, values) {
            let encoded = try encode(value, as: type)
            if type.isDynamic {
                head += word(BigUInt(headSize + tail.count))
                tail += encoded
            } else {
                head += encoded
            }
        }
        return head + tail
    }

    /// Decodes the tuple `types` from `data` (no selector).
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws(ABIError) -> [ABIValue] {
        try decodeTuple(types, data, base: 0)
    }

    /// Decodes like ``decode(_:from:)`` but accepts only the canonical encoding, byte for
    /// byte: no trailing bytes, no odd offsets. For values that decide something, such as
    /// a token's `decimals()` or a `transfer` result.
    public static func decodeExactly(_ types: [ABIType], from data: [UInt8]) throws(ABIError) -> [ABIValue] {
        let values = try decode(types, from: data)
        let canonical = try encode(values, as: types)
        guard canonical.count == data.count else { throw .wrongLength(expected: canonical.count, actual: data.count) }
        guard canonical == data else { throw .malformedDynamic }
        return values
    }

    static func encode(_ value: ABIValue, as type: ABIType) throws(ABIError) -> [UInt8] {
        switch (type, value) {
        case (.uint(let bits), .uint(let v)):
            guard v.bitWidth <= bits else { throw .typeMismatch("\(v) does not fit in uint\(bits)") }
            return word(v)
        case (.int(let bits), .int(let v)):
            let limit = BigInt(1) << (bits - 1)
            guard v >= -limit, v < limit else { throw .typeMismatch("\(v) does not fit in int\(bits)") }
            return v >= 0 ? word(v.magnitude) : word((BigUInt(1) << 256) - v.magnitude)
        case (.address, .address(let a)):
            return [UInt8](repeating: 0, count: 12) + a.bytes
        case (.bool, .bool(let b)):
            return word(b ? 1 : 0)
        case (.fixedBytes(let n), .bytes(let b)):
            guard b.count == n else { throw .typeMismatch("bytes\(n) needs \(n) bytes, got \(b.count)") }
            return padded(b)
        case (.bytes, .bytes(let b)):
            return word(BigUInt(b.count)) + padded(b)
        case (.string, .string(let s)):
            let b = Array(s.utf8)
            return word(BigUInt(b.count)) + padded(b)
        case (.array(let e), .array(let items)):
            return word(BigUInt(items.count)) + (try encode(items, as: Array(repeating: e, count: items.count)))
        case (.fixedArray(let e, let n), .array(let items)):
            guard items.count == n else { throw .typeMismatch("\(type) needs \(n) elements, got \(items.count)") }
            return try encode(items, as: Array(repeating: e, count: n))
        default:
            throw .typeMismatch("\(value) is not a \(type)")
        }
    }

    static func decodeTuple(_ types: [ABIType], _ data: [UInt8], base: Int) throws(ABIError) -> [ABIValue] {
        var values: [ABIValue] = []
        values.reserveCapacity(types.count)
        var position = base
        for type in types {
            if type.isDynamic {
                let offset = try readLength(data, at: position)
                guard offset <= data.count - base else { throw .malformedDynamic }
                values.append(try decodeValue(type, data, at: base + offset))
            } else {
                values.append(try decodeValue(type, data, at: position))
            }
            position += type.headSize
        }
        return values
    }

    static func decodeValue(_ type: ABIType, _ data: [UInt8], at position: Int) throws(ABIError) -> ABIValue {
        switch type {
        case .uint(let bits):
            let v = BigUInt(bigEndian: try readWord(data, at: position))
            guard v.bitWidth <= bits else { throw .nonZeroPadding }
            return .uint(v)
        case .int(let bits):
            let raw = BigUInt(bigEndian: try readWord(data, at: position))
            let v = raw.bitWidth == 256 ? -BigInt((BigUInt(1) << 256) - raw) : BigInt(raw)
            let limit = BigInt(1) << (bits - 1)
            guard v >= -limit, v < limit else { throw .nonZeroPadding }
            return .int(v)
        case .address:
            return .address(try ERC20.decodeAddressWord(try readWord(data, at: position)))
        case .bool:
            let w = try readWord(data, at: position)
            guard w[0..<31].allSatisfy({ $0 == 0 }), w[31] <= 1 else { throw .nonZeroPadding }
            return .bool(w[31] == 1)
        case .fixedBytes(let n):
            let w = try readWord(data, at: position)
            guard w[n...].allSatisfy({ $0 == 0 }) else { throw .nonZeroPadding }
            return .bytes(Array(w[..<n]))
        case .bytes:
            return .bytes(try readBytes(data, at: position))
        case .string:
            guard let s = String(validating: try readBytes(data, at: position), as: UTF8.self) else {
                throw .invalidUTF8
            }
            return .string(s)
        case .array(let e):
            let count = try readLength(data, at: position)
            // Every element takes at least one head word, which bounds a hostile count.
            guard count <= (data.count - position - 32) / 32 else { throw .malformedDynamic }
            return .array(try decodeTuple(Array(repeating: e, count: count), data, base: position + 32))
        case .fixedArray(let e, let n):
            guard n <= (data.count - position) / 32 else { throw .malformedDynamic }
            return .array(try decodeTuple(Array(repeating: e, count: n), data, base: position))
        }
    }

    static func readWord(_ data: [UInt8], at position: Int) throws(ABIError) -> [UInt8] {
        guard position >= 0, position <= data.count - 32 else { throw .malformedDynamic }
        return Array(data[position..<position + 32])
    }

    /// A word used as an offset or length: it must fit comfortably in an `Int`.
    static func readLength(_ data: [UInt8], at position: Int) throws(ABIError) -> Int {
        let w = try readWord(data, at: position)
        guard w[..<28].allSatisfy({ $0 == 0 }) else { throw .malformedDynamic }
        return w[28...].reduce(0) { $0 << 8 | Int($1) }
    }

    static func readBytes(_ data: [UInt8], at position: Int) throws(ABIError) -> [UInt8] {
        let length = try readLength(data, at: position)
        let start = position + 32
        guard length <= data.count - start else { throw .malformedDynamic }
        let paddedEnd = start + (length + 31) / 32 * 32
        guard paddedEnd <= data.count else { throw .malformedDynamic }
        guard data[(start + length)..<paddedEnd].allSatisfy({ $0 == 0 }) else { throw .nonZeroPadding }
        return Array(data[start..<start + length])
    }

    static func word(_ v: BigUInt) -> [UInt8] {
        let bytes = v.minimalBigEndian
        return [UInt8](repeating: 0, count: 32 - bytes.count) + bytes
    }

    static func padded(_ b: [UInt8]) -> [UInt8] {
        b + [UInt8](repeating: 0, count: (32 - b.count % 32) % 32)
    }
}

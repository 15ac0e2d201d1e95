/// A Solidity ABI type without tuples: enough for token calls, events and the published
/// ABI examples, and small enough to be checked against every vector.
public indirect enum ABIType: Sendable, Hashable, CustomStringConvertible {
    case uint(bits: Int)
    case int(bits: Int)
    case address
    case bool
    /// `bytes1` … `bytes32`.
    case fixedBytes(Int)
    case bytes
    case string
    /// `T[]`.
    case array(ABIType)
    /// `T[k]`.
    case fixedArray(ABIType, Int)

    /// Parses a type as written in a signature; `uint`/`int` mean 256 bits.
    public init(parsing text: some StringProtocol) throws(ABIError) {
        let text = String(text)
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            let element = try ABIType(parsing: text[..<open])
            let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if inner.isEmpty {
                self = .array(element)
            } else if let n = Int(inner), n > 0, inner.allSatisfy(\.isASCII), inner.first != "0" {
                self = .fixedArray(element, n)
            } else {
                throw .unsupportedType(text)
            }
            return
        }
        switch text {
        case "address": self = .address
        case "bool": self = .bool
        case "bytes": self = .bytes
        case "string": self = .string
        case "uint": self = .uint(bits: 256)
        case "int": self = .int(bits: 256)
        default:
            func size(after prefix: String) -> Int? {
                guard text.hasPrefix(prefix) else { return nil }
                let digits = text.dropFirst(prefix.count)
                guard !digits.isEmpty, digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    return nil
                }
                return Int(digits)
            }
            if let bits = size(after: "uint"), bits % 8 == 0, (8...256).contains(bits) {
                self = .uint(bits: bits)
            } else if let bits = size(after: "int"), bits % 8 == 0, (8...256).contains(bits) {
                self = .int(bits: bits)
            } else if let n = size(after: "bytes"), (1...32).contains(n) {
                self = .fixedBytes(n)
            } else {
                throw .unsupportedType(text)
            }
        }
    }

    /// The canonical spelling used in signatures and selectors.
    public var description: String {
        switch self {
        case .uint(let bits): "uint\(bits)"
        case .int(let bits): "int\(bits)"
        case .address: "address"
        case .bool: "bool"
        case .fixedBytes(let n): "bytes\(n)"
        case .bytes: "bytes"
        case .string: "string"
        case .array(let e): "\(e)[]"
        case .fixedArray(let e, let n): "\(e)[\(n)]"
        }
    }

    /// Dynamic types are encoded in the tail and referenced by an offset in the head.
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: true
        case .fixedArray(let e, _): e.isDynamic
        default: false
        }
    }

    /// Bytes this type occupies in the head of its enclosing tuple.
    var headSize: Int {
        if case .fixedArray(let e, let n) = self, !e.isDynamic { return e.headSize * n }
        return 32
    }
}

/// An exact USDC amount in integer micro-units (6 decimals, as on every chain we use).
///
/// Money is never a float: amounts parse from and format to decimal strings, and
/// arithmetic is checked so an overflow is an error, not a wrap. The value may be
/// negative (ledger entries are signed); parsing user input never yields a negative.
public struct USDC: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Micro-USDC: 1 USDC = 1_000_000.
    public let micro: Int64

    public static let decimals = 6
    public static let scale: Int64 = 1_000_000
    public static let zero = USDC(micro: 0)

    public init(micro: Int64) { self.micro = micro }

    /// Whole units, e.g. `USDC(units: 5)` is 5.000000 USDC.
    public init(units: Int64) throws(USDCError) {
        let (v, o) = units.multipliedReportingOverflow(by: Self.scale)
        if o { throw .overflow }
        self.micro = v
    }

    /// Parses a plain decimal string: digits, an optional point and at most 6 decimals.
    /// Signs, exponents, spaces and more than 6 decimals are rejected, never rounded.
    public init(parsing text: some StringProtocol) throws(USDCError) {
        if text.isEmpty { throw .empty }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var wholeDigits = 0
        for ch in text.utf8 {
            switch ch {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let d = Int64(ch - UInt8(ascii: "0"))
                if seenPoint {
                    fractionDigits += 1
                    if fractionDigits > Self.decimals { throw .tooManyDecimals }
                    fraction = fraction * 10 + d
                } else {
                    wholeDigits += 1
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(d)
                    if o1 || o2 { throw .overflow }
                    whole = a
                }
            case UInt8(ascii: "."):
                if seenPoint { throw .malformed(String(text)) }
                seenPoint = true
            case UInt8(ascii: "-"):
                throw .negative
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                throw .exponent
            default:
                throw .malformed(String(text))
            }
        }
        if wholeDigits == 0 || (seenPoint && fractionDigits == 0) { throw .malformed(String(text)) }
        for _ in fractionDigits..<Self.decimals { fraction *= 10 }
        let (w, o1) = whole.multipliedReportingOverflow(by: Self.scale)
        let (v, o2) = w.addingReportingOverflow(fraction)
        if o1 || o2 { throw .overflow }
        self.micro = v
    }

    /// At least two decimals, at most six, trailing zeros past the second trimmed:
    /// `1000.50`, `0.123456`, `-3.00`.
    public var description: String {
        let negative = micro < 0
        let magnitude = micro.magnitude
        let whole = magnitude / UInt64(Self.scale)
        var frac = String(magnitude % UInt64(Self.scale))
        frac = String(repeating: "0", count: Self.decimals - frac.count) + frac
        while frac.count > 2 && frac.hasSuffix("0") { frac.removeLast() }
        return (negative ? "-" : "") + "\(whole).\(frac)"
    }

    public static func < (a: USDC, b: USDC) -> Bool { a.micro < b.micro }

    public static prefix func - (a: USDC) -> USDC { USDC(micro: -a.micro) }

    public func adding(_ other: USDC) throws(USDCError) -> USDC {
        let (v, o) = micro.addingReportingOverflow(other.micro)
        if o { throw .overflow }
        return USDC(micro: v)
    }

    public func subtracting(_ other: USDC) throws(USDCError) -> USDC {
        let (v, o) = micro.subtractingReportingOverflow(other.micro)
        if o { throw .overflow }
        return USDC(micro: v)
    }

    public func multiplied(by n: Int64) throws(USDCError) -> USDC {
        let (v, o) = micro.multipliedReportingOverflow(by: n)
        if o { throw .overflow }
        return USDC(micro: v)
    }

    /// `self × numerator / denominator`, rounded down, without intermediate overflow;
    /// used for fees and shares so that parts never add up to more than the whole.
    public func fraction(_ numerator: Int64, of denominator: Int64) throws(USDCError) -> USDC {
        precondition(denominator > 0, "denominator must be positive")
        let q = Int128(micro) * Int128(numerator) / Int128(denominator)
        guard let v = Int64(exactly: q) else { throw .overflow }
        return USDC(micro: v)
    }
}

/// Why a USDC amount was refused; each message says what to send instead.
public enum USDCError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case malformed(String)
    case negative
    case exponent
    case tooManyDecimals
    case overflow

    public var description: String {
        switch self {
        case .empty: "amount is empty; send a decimal string such as \"10.50\""
        case .malformed: "amount is not a plain decimal number; send digits with an optional point, such as \"10.50\""
        case .negative: "amount must not be negative"
        case .exponent: "amount must not use an exponent; write it out, such as \"1500.00\""
        case .tooManyDecimals: "amount has more than 6 decimals; USDC has 6"
        case .overflow: "amount is too large"
        }
    }
}

extension USDC: Codable {
    /// Encoded as a decimal string, as the API contract requires.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do { self = try USDC(parsing: s) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

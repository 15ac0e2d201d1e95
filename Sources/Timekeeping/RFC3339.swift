import Foundation

/// RFC 3339 times, read and written by our own code: Foundation's ISO 8601 parser is
/// lenient in ways it does not document and needs a separate configuration for
/// fractional seconds, and its formatter is slow on hot paths (every offer in a search
/// page carries a time).
///
/// One reader with two entry points: ``parseStrict(_:)`` for signed messages (SIWE),
/// where only the exact grammar may pass, and ``parseLenient(_:)`` for API input, which
/// also takes what clients commonly send.
public enum RFC3339 {
    /// RFC 3339's `date-time` exactly: `2026-01-01T10:00:00Z`, with optional fractional
    /// seconds and a `Z` or `±hh:mm` offset (`T` and `Z` in either case). Years
    /// 0000-9999, real calendar days, a leap second (`:60`) read as the next second.
    public static func parseStrict(_ text: some StringProtocol) -> Date? {
        parse(Array(text.utf8), lenient: false)
    }

    /// Also accepts a space for the `T` (RFC 3339 allows it, section 5.6), an offset
    /// without its colon (`+0200`) or without minutes (`+02`), and leading or trailing
    /// spaces.
    public static func parseLenient(_ text: some StringProtocol) -> Date? {
        parse(Array(text.utf8), lenient: true)
    }

    /// Whole seconds since 1970, rounded down: what bookings and queries use.
    public static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// `seconds` in UTC as `YYYY-MM-DDThh:mm:ssZ`, as the API returns every time.
    public static func format(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (y, m, d) = civil(fromDays: days)
        let t = seconds - days * 86_400
        var out = [UInt8]()
        out.reserveCapacity(20)
        func put(_ v: Int64, _ width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var v = v
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            out.append(contentsOf: digits)
        }
        if y < 0 || y > 9999 {
            out.append(contentsOf: String(y).utf8)
        } else {
            put(y, 4)
        }
        out.append(UInt8(ascii: "-"))
        put(m, 2)
        out.append(UInt8(ascii: "-"))
        put(d, 2)
        out.append(UInt8(ascii: "T"))
        put(t / 3600, 2)
        out.append(UInt8(ascii: ":"))
        put(t / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        put(t % 60, 2)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `date` rounded down to the second, as ``format(_:)-(Int64)``.
    public static func format(_ date: Date) -> String { format(seconds(date)) }

    private static func parse(_ bytes: [UInt8], lenient: Bool) -> Date? {
        var c = bytes[...]
        if lenient {
            while c.first == 0x20 { c.removeFirst() }
            while c.last == 0x20 { c.removeLast() }
        }
        let b = c.startIndex
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= c.count else { return nil }
            var v = 0
            for i in b + from..<b + from + len {
                guard (0x30...0x39).contains(c[i]) else { return nil }
                v = v * 10 + Int(c[i] - 0x30)
            }
            return v
        }
        func at(_ i: Int) -> UInt8? { i < c.count ? c[b + i] : nil }
        let separators: Set<UInt8> = lenient ? [0x54, 0x74, 0x20] : [0x54, 0x74]
        guard c.count >= 20, let y = num(0, 4), at(4) == 0x2d, let mo = num(5, 2), at(7) == 0x2d, let d = num(8, 2),
            let sep = at(10), separators.contains(sep), let h = num(11, 2), at(13) == 0x3a, let mi = num(14, 2),
            at(16) == 0x3a, let se = num(17, 2)
        else { return nil }
        guard (1...12).contains(mo), h < 24, mi < 60, se < 61 else { return nil }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...monthDays[mo - 1]).contains(d) else { return nil }
        var i = 19
        var fraction = 0.0
        if at(i) == 0x2e {
            i += 1
            var scale = 0.1
            let start = i
            while let digit = at(i), (0x30...0x39).contains(digit) {
                fraction += Double(digit - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard let zone = at(i) else { return nil }
        var offset = 0
        if zone == 0x5a || zone == 0x7a {
            i += 1
        } else if zone == 0x2b || zone == 0x2d {
            guard let oh = num(i + 1, 2), oh < 24 else { return nil }
            var om = 0
            if at(i + 3) == 0x3a, let m = num(i + 4, 2) {
                om = m
                i += 6
            } else if lenient, let m = num(i + 3, 2) {
                om = m
                i += 5
            } else if lenient {
                i += 3
            } else {
                return nil
            }
            guard om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (zone == 0x2d ? -1 : 1)
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        let days = daysFromCivil(y: Int64(y), m: Int64(mo), d: Int64(d))
        let seconds = days * 86_400 + Int64(h * 3600 + mi * 60 + se - offset)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(y: Int64, m: Int64, d: Int64) -> Int64 {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01 (the inverse of ``daysFromCivil(y:m:d:)``).
    static func civil(fromDays z: Int64) -> (y: Int64, m: Int64, d: Int64) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

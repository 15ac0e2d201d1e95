import Foundation

/// A strict RFC 3339 `date-time` parser (Foundation's ISO 8601 parser is lenient and
/// needs a separate configuration for fractional seconds).
enum RFC3339 {
    static func parse(_ s: String) -> Date? {
        let c = Array(s.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= c.count else { return nil }
            var v = 0
            for i in from..<from + len {
                guard (0x30...0x39).contains(c[i]) else { return nil }
                v = v * 10 + Int(c[i] - 0x30)
            }
            return v
        }
        guard c.count >= 20, let y = num(0, 4), c[4] == 0x2d, let mo = num(5, 2), c[7] == 0x2d, let d = num(8, 2),
            c[10] == 0x54 || c[10] == 0x74, let h = num(11, 2), c[13] == 0x3a, let mi = num(14, 2), c[16] == 0x3a,
            let se = num(17, 2)
        else { return nil }
        guard (1...12).contains(mo), h < 24, mi < 60, se < 61 else { return nil }
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...monthDays[mo - 1]).contains(d) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < c.count, c[i] == 0x2e {
            i += 1
            var scale = 0.1
            let start = i
            while i < c.count, (0x30...0x39).contains(c[i]) {
                fraction += Double(c[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < c.count else { return nil }
        var offset = 0
        if c[i] == 0x5a || c[i] == 0x7a {
            i += 1
        } else if c[i] == 0x2b || c[i] == 0x2d {
            guard let oh = num(i + 1, 2), i + 3 < c.count, c[i + 3] == 0x3a, let om = num(i + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = (oh * 60 + om) * 60 * (c[i] == 0x2d ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        // Days from civil (proleptic Gregorian), Howard Hinnant's algorithm.
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + h * 3600 + mi * 60 + se - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

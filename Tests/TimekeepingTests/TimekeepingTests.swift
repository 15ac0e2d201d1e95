import Foundation
import Testing
import Timekeeping

@Suite("Timekeeping: RFC 3339, clocks, ticks")
struct TimekeepingTests {
    static let base = Date(timeIntervalSince1970: 1_798_797_600)  // 2027-01-01T10:00:00Z

    @Test(
        "strict: RFC 3339 date-times, any offset, fractions, lower-case t and z",
        arguments: [
            ("2027-01-01T10:00:00Z", 0.0), ("2027-01-01t10:00:00z", 0), ("2027-01-01T12:00:00+02:00", 0),
            ("2027-01-01T05:30:00-04:30", 0), ("2027-01-01T10:00:00.25Z", 0.25), ("2027-01-01T10:00:00.5+00:00", 0.5),
        ])
    func strictAccepts(text: String, fraction: Double) throws {
        let date = try #require(RFC3339.parseStrict(text))
        #expect(date.timeIntervalSince1970 == Self.base.timeIntervalSince1970 + fraction)
        #expect(RFC3339.parseLenient(text) == date, "lenient reads everything strict reads, the same way")
    }

    @Test(
        "strict refuses what RFC 3339 refuses; lenient takes the common variants and nothing else",
        arguments: [
            ("2027-01-01 10:00:00Z", true), ("2027-01-01T12:00:00+0200", true), ("2027-01-01T12:00:00+02", true),
            (" 2027-01-01T10:00:00Z ", true), ("2027-01-01T10:00Z", false), ("2027-01-01T10:00:00", false),
            ("2027-02-29T10:00:00Z", false), ("2027-13-01T10:00:00Z", false), ("2027-01-01T24:00:00Z", false),
            ("2027-01-01T10:60:00Z", false), ("12027-01-01T10:00:00Z", false), ("2027-01-01T10:00:00.Z", false),
            ("2027-01-01T10:00:00Z ", true), ("2027-01-01T10:00:00+24:00", false), ("2027-01-01T10:00:00+02:60", false),
            ("2027-1-01T10:00:00Z", false), ("", false), ("2027-01-01X10:00:00Z", false),
        ])
    func variants(text: String, lenientAccepts: Bool) {
        #expect(RFC3339.parseStrict(text) == nil)
        if lenientAccepts {
            #expect(RFC3339.parseLenient(text) == Self.base)
        } else {
            #expect(RFC3339.parseLenient(text) == nil)
        }
    }

    @Test("leap days, the epoch, years before 1970 and a leap second")
    func calendar() throws {
        #expect(RFC3339.parseStrict("2028-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_835_395_200))
        #expect(RFC3339.parseStrict("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.parseStrict("1969-12-31T23:59:59Z") == Date(timeIntervalSince1970: -1))
        #expect(RFC3339.parseStrict("2000-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parseStrict("1900-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parseStrict("2016-12-31T23:59:60Z") == RFC3339.parseStrict("2017-01-01T00:00:00Z"))
    }

    /// Foundation switches to the Julian calendar before 1583; RFC 3339 is proleptic
    /// Gregorian, so earlier years are only checked by the round trip.
    @Test("format writes UTC seconds as Foundation's ISO 8601 does, and strict reads it back")
    func formatRoundTrips() throws {
        var rng = SystemRandomNumberGenerator()
        let foundation = Date.ISO8601FormatStyle()
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: -62_135_596_800...253_402_300_799, using: &rng)  // years 1-9999
            let text = RFC3339.format(seconds)
            if seconds >= -12_212_553_600 {  // 1583-01-01
                #expect(text == Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(foundation))
            }
            #expect(RFC3339.parseStrict(text).map(RFC3339.seconds) == seconds)
        }
        #expect(RFC3339.format(0) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1.9)) == "1970-01-01T00:00:01Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
    }

    @Test("ticks: one at once, then one per interval on the injected clock; cancellation ends them")
    func ticks() async throws {
        let clock = ManualTimeSource(now: Self.base)
        var count = 0
        for await _ in Ticks(every: .seconds(15), clock: clock) {
            count += 1
            if count == 3 { break }
        }
        #expect(clock.sleeps == [.seconds(15), .seconds(15)])
        #expect(clock.now == Self.base.addingTimeInterval(30))
        #expect(clock.elapsed == .seconds(30))
        #expect(clock.epochSeconds == 1_798_797_630)

        let task = Task {
            var n = 0
            for await _ in Ticks(every: .seconds(3600)) { n += 1 }
            return n
        }
        task.cancel()
        #expect(await task.value <= 1)
    }

    @Test(
        "time-ordered ids: version 7 UUIDs that sort by creation, also within one millisecond and when time stands still or steps back"
    )
    func timeOrderedIDs() throws {
        let later = Self.base.addingTimeInterval(1)
        let ids =
            (0..<5_000).map { _ in TimeOrderedID.make(at: Self.base) } + [TimeOrderedID.make(at: later)]
            + [TimeOrderedID.make(at: Self.base)]
        #expect(ids == ids.sorted() && Set(ids).count == ids.count, "strictly increasing as text")
        for id in ids.prefix(3) {
            let uuid = try #require(UUID(uuidString: id))
            #expect(id == id.lowercased() && uuid.uuid.6 >> 4 == 7 && uuid.uuid.8 >> 6 == 0b10)
        }
        // The first 48 bits are the creation time in milliseconds.
        let millis = UInt64(ids[0].replacingOccurrences(of: "-", with: "").prefix(12), radix: 16)
        #expect(millis == UInt64(Self.base.timeIntervalSince1970 * 1000))
    }
}

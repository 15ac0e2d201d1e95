import Foundation
import Synchronization

/// Record ids that sort in creation order (UUID version 7, RFC 9562: a 48-bit Unix
/// millisecond time, then a 12-bit counter, then random bits). Lists answer newest first
/// by `created_at` (whole seconds) and then by id; with random UUIDs two records made in
/// one second came back in a random order. Within this process ids strictly increase,
/// even when the clock stands still or steps back.
public enum TimeOrderedID {
    private static let last = Mutex<(millis: UInt64, counter: UInt16)>((0, 0))

    /// A new id for a record created at `now` (the service's clock).
    public static func make(at now: Date) -> String {
        let wall = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let (millis, counter) = last.withLock { state in
            if wall > state.millis {
                state = (wall, UInt16.random(in: 0..<0x400))  // random start, room to count up
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                state = (state.millis + 1, 0)  // 4,096 in one millisecond: borrow the next one
            }
            return state
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(i))) }
        bytes[6] = 0x70 | UInt8(counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        var random = SystemRandomNumberGenerator()
        for i in 8..<16 { bytes[i] = random.next() }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // the RFC 4122 variant
        return NSUUID(uuidBytes: bytes).uuidString.lowercased()
    }
}

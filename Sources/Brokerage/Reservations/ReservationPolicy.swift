import Ethereum

/// The booking rules, as pure functions so tests can state them exactly.
///
/// Cancellation (stated in the README and in every cancel response):
/// - 24 hours or more before the start: full refund;
/// - less than 24 hours before the start: half refunded (rounded down to the micro-USDC),
///   the other half captured like a normal start;
/// - after the start: nothing refunded (the hold was captured at start); the GPU is
///   released for the remaining hours.
public enum ReservationPolicy {
    public static let hour: Int64 = 3600
    /// How far ahead one can book, and how long one booking may be.
    public static let maxLeadHours: Int64 = 24 * 90
    public static let maxHours: Int64 = 24 * 31
    public static let fullRefundNotice: Int64 = 24 * 3600

    /// Checks a requested block: whole hours, start not in the past, end after start.
    public static func validate(start: Int64, end: Int64, now: Int64) throws(ReservationError) {
        guard start % hour == 0 else {
            throw .invalidField(
                field: "start_time", reason: "start_time must be on a whole hour (minutes and seconds zero)")
        }
        guard end % hour == 0 else {
            throw .invalidField(
                field: "end_time", reason: "end_time must be on a whole hour (minutes and seconds zero)")
        }
        guard end > start else { throw .invalidField(field: "end_time", reason: "end_time must be after start_time") }
        guard start >= now - now % hour else {
            throw .invalidField(field: "start_time", reason: "start_time is in the past")
        }
        guard start - now <= maxLeadHours * hour else {
            throw .invalidField(field: "start_time", reason: "bookings open at most \(maxLeadHours / 24) days ahead")
        }
        guard (end - start) / hour <= maxHours else {
            throw .invalidField(field: "end_time", reason: "one booking may last at most \(maxHours) hours")
        }
    }

    /// `hours × price per hour`.
    public static func cost(start: Int64, end: Int64, pricePerHour: USDC) throws -> USDC {
        try pricePerHour.multiplied(by: (end - start) / hour)
    }

    /// What a cancellation at `now` gives back of the held total.
    public static func refund(for r: Reservation, at now: Int64) -> USDC {
        switch r.status {
        case .confirmed where r.start - now >= fullRefundNotice: r.totalCost
        case .confirmed where now < r.start: USDC(micro: r.totalCost.micro / 2)
        default: .zero
        }
    }

    /// The stated rule, for responses.
    public static let cancellationPolicy =
        "Full refund when cancelled 24 hours or more before the start; 50% refund when cancelled less than 24 hours before; no refund after the start."
}

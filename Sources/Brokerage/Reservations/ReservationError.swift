/// Why a booking operation was refused. Nothing was written when one is thrown.
public enum ReservationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidField(field: String, reason: String)
    case gpuNotFound
    case gpuUnavailable
    /// Another booking holds some of these hours.
    case slotTaken
    case notFound
    /// The reservation is in a state that does not allow this (e.g. extending a completed one).
    case notAllowed(String)

    public var description: String {
        switch self {
        case .invalidField(_, let reason): reason
        case .gpuNotFound: "no GPU offer with this id; search /api/v1/gpus/search for one"
        case .gpuUnavailable: "this GPU offer is not available for booking now"
        case .slotTaken:
            "some of these hours are already booked on this GPU; check its availability and pick other hours"
        case .notFound: "reservation not found"
        case .notAllowed(let why): why
        }
    }
}

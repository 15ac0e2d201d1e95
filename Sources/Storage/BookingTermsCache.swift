import Brokerage
import Synchronization

/// The booking terms last seen per offer, so a booking of a GPU booked before skips
/// reading them. Only ever a hint: a booking's write checks its terms against the offer
/// row and writes nothing if they changed, and then the terms are read afresh.
final class BookingTermsCache: Sendable {
    private let terms = Mutex<[String: BookingTerms]>([:])
    /// Entries beyond this are dropped wholesale; they are re-read on the next booking.
    private let limit: Int

    init(limit: Int = 100_000) { self.limit = limit }

    subscript(gpuID: String) -> BookingTerms? {
        get { terms.withLock { $0[gpuID] } }
        set {
            terms.withLock { cache in
                if newValue != nil, cache.count >= limit, cache[gpuID] == nil { cache.removeAll(keepingCapacity: true) }
                cache[gpuID] = newValue
            }
        }
    }
}

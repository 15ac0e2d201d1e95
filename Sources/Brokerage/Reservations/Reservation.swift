import Ethereum

/// A booked block of whole hours on one GPU offer.
public struct Reservation: Sendable, Hashable, Identifiable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Booked; funds held.
        case confirmed
        /// Running; the hold was captured at start.
        case active
        case completed
        case cancelled
    }

    public var id: String
    public var userID: String
    public var gpuID: String
    /// Seconds since 1970, on whole hours; `end` is exclusive.
    public var start: Int64
    public var end: Int64
    public var pricePerHour: USDC
    public var totalCost: USDC
    public var status: Status
    /// What a cancellation gave back (zero otherwise).
    public var refunded: USDC
    /// Who earns the captured money besides the platform fee.
    public var payee: LedgerAccount
    public var createdAt: Int64
    /// The cluster this is a member booking of; such bookings move only with their cluster.
    public var clusterID: String?
    /// Set when the renter allowed a substitute: if the provider says the offer is gone,
    /// the same GPU model at no more than this per hour may be rented instead.
    public var substituteCeiling: USDC?

    public init(
        id: String, userID: String, gpuID: String, start: Int64, end: Int64, pricePerHour: USDC, totalCost: USDC,
        status: Status, refunded: USDC = .zero, payee: LedgerAccount, createdAt: Int64, clusterID: String? = nil,
        substituteCeiling: USDC? = nil
    ) {
        self.id = id
        self.userID = userID
        self.gpuID = gpuID
        self.start = start
        self.end = end
        self.pricePerHour = pricePerHour
        self.totalCost = totalCost
        self.status = status
        self.refunded = refunded
        self.payee = payee
        self.createdAt = createdAt
        self.clusterID = clusterID
        self.substituteCeiling = substituteCeiling
    }

    public var hours: Int64 { (end - start) / 3600 }
}

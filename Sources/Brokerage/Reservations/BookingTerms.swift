import Ethereum

/// What a booking of an offer hangs on, as stored: who sells it, at what price per hour,
/// whether it is open, and (for a GP4U listing) who owns it. Bookings and clusters decide
/// from these facts; the store's write is conditional on them still holding.
public struct BookingTerms: Sendable, Hashable {
    public var provider: String
    public var pricePerHour: USDC
    public var available: Bool
    /// The listing's owner for GP4U listings; nil for marketplace offers.
    public var owner: String?

    public init(provider: String, pricePerHour: USDC, available: Bool, owner: String?) {
        self.provider = provider
        self.pricePerHour = pricePerHour
        self.available = available
        self.owner = owner
    }

    /// Who earns from a booking: a GP4U listing pays its owner's earnings account;
    /// marketplace offers earn for their upstream provider (settled off-platform).
    public func payee() throws(ReservationError) -> LedgerAccount {
        guard provider == ProviderID.gp4u.rawValue else { return .earnings(user: "upstream:\(provider)") }
        guard let owner else { throw .gpuNotFound }
        return .earnings(user: owner)
    }
}

/// The machine rented upstream for one booking (keyed by the reservation id), as stored.
public struct Machine: Sendable, Hashable, Identifiable {
    public var reservationID: String
    public var provider: String
    /// The provider's offer id (Vast's ask id) that is rented.
    public var offerID: String
    public var state: MachineState
    /// The provider's instance id once one exists (kept after release, for the record).
    public var instanceID: String?
    public var connection: MachineConnection?
    /// The latest event, in words for the renter ("starting", "offer no longer available").
    public var message: String?
    /// Why provisioning failed or the machine ended early (machine-readable), if it did.
    public var failure: String?
    /// Provider calls that failed in a row; sets the backoff.
    public var attempts: Int
    /// The renter asked for a restart that has not been made yet.
    public var restartRequested: Bool
    /// Restarts made (one is allowed per booking).
    public var restarts: Int
    /// When the service should look at it again (seconds since 1970).
    public var nextCheckAt: Int64
    /// When `state` was entered.
    public var since: Int64
    public var createdAt: Int64

    public var id: String { reservationID }

    public init(
        reservationID: String, provider: String, offerID: String, state: MachineState, instanceID: String? = nil,
        connection: MachineConnection? = nil, message: String? = nil, failure: String? = nil, attempts: Int = 0,
        restartRequested: Bool = false, restarts: Int = 0, nextCheckAt: Int64, since: Int64, createdAt: Int64
    ) {
        self.reservationID = reservationID
        self.provider = provider
        self.offerID = offerID
        self.state = state
        self.instanceID = instanceID
        self.connection = connection
        self.message = message
        self.failure = failure
        self.attempts = attempts
        self.restartRequested = restartRequested
        self.restarts = restarts
        self.nextCheckAt = nextCheckAt
        self.since = since
        self.createdAt = createdAt
    }
}

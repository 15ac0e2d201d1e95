/// One booking the provisioning service has to look at: its machine (nil when none was
/// started yet), the booking, and what renting needs from elsewhere.
public struct MachineWork: Sendable, Hashable {
    public var machine: Machine?
    public var reservation: Reservation
    /// The provider that rents the booked offer.
    public var provider: String
    /// The booked offer as last synced; nil when it has left the market since.
    public var offer: Offer?
    /// The renter's OpenSSH public key line, if they saved one.
    public var sshKey: String?

    public init(machine: Machine?, reservation: Reservation, provider: String, offer: Offer?, sshKey: String?) {
        self.machine = machine
        self.reservation = reservation
        self.provider = provider
        self.offer = offer
        self.sshKey = sshKey
    }
}

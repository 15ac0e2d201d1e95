/// What renting an offer asks of the provider. `label` is the reservation id: it is how
/// an instance is found again after a crash, so one booking never rents twice.
public struct MachineRequest: Sendable, Hashable {
    public var offerID: String
    public var label: String
    public var image: String
    public var diskGB: Int
    /// The renter's OpenSSH public key line, put on the machine.
    public var sshPublicKey: String?

    public init(offerID: String, label: String, image: String, diskGB: Int, sshPublicKey: String?) {
        self.offerID = offerID
        self.label = label
        self.image = image
        self.diskGB = diskGB
        self.sshPublicKey = sshPublicKey
    }
}

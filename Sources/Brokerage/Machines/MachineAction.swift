/// One provider call the lifecycle asks for; the provisioning service makes it and feeds
/// the ``MachineOutcome`` back.
public enum MachineAction: Sendable, Hashable {
    /// Look for an instance labelled with the reservation id (always before creating).
    case find(label: String)
    case create(MachineRequest)
    case poll(instanceID: String)
    case destroy(instanceID: String)
    /// Reboot a running instance in place (the renter's one restart).
    case restart(instanceID: String)
}

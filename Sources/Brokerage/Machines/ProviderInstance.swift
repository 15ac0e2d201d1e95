/// A rented instance as its provider last reported it, in the terms the lifecycle needs.
public struct ProviderInstance: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        /// Being created, pulling its image, booting: wait.
        case starting
        /// Up, with connection details.
        case running
        /// Stopped (by its host, an outbid, or no credit): it will not come back by itself.
        case stopped
        /// Exited, offline, failed to start: the provider's word for it.
        case dead(String)
    }

    public var id: String
    public var label: String?
    public var status: Status
    /// Set once the provider reports where to connect.
    public var connection: MachineConnection?

    public init(id: String, label: String?, status: Status, connection: MachineConnection?) {
        self.id = id
        self.label = label
        self.status = status
        self.connection = connection
    }
}

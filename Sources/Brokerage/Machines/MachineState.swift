/// Where a booking's machine is at its provider. A booking whose start has not come has
/// no machine yet (shown as `booked`).
///
/// `provisioning → running → releasing → released`, or `provision_failed` (refunded in
/// full). `releasing` is only stored while a destroy has to be tried again.
public enum MachineState: String, Sendable, Hashable, Codable, CaseIterable {
    case provisioning
    case running
    case releasing
    case released
    case provisionFailed = "provision_failed"

    /// Whether the machine may still exist at the provider (the service keeps visiting it).
    public var isLive: Bool { self == .provisioning || self == .running || self == .releasing }
}

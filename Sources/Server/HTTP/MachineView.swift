import Brokerage
import Timekeeping

/// A booking's machine as its renter sees it (only ever sent to the owner): where it
/// stands, how to reach it, and the latest event. `booked` before its start. Every key is
/// always present; connection fields are null until the machine runs.
struct MachineView: Codable {
    let status: String
    let ssh_host: Nullable<String>
    let ssh_port: Nullable<Int>
    let ssh_user: Nullable<String>
    let ports: [String: Int]
    let provider_instance_id: Nullable<String>
    let since: String
    let message: Nullable<String>

    init(_ m: Machine) {
        let connection = m.state == .running ? m.connection : nil
        status = m.state.rawValue
        ssh_host = Nullable(connection?.host)
        ssh_port = Nullable(connection?.port)
        ssh_user = Nullable(connection?.user)
        ports = connection?.ports ?? [:]
        provider_instance_id = Nullable(m.instanceID)
        since = RFC3339.format(m.since)
        message = Nullable(m.message)
    }

    /// A booking on a renting provider whose start has not come.
    init(bookedAt: Int64) {
        (status, ssh_host, ssh_port, ssh_user, ports) = ("booked", Nullable(nil), Nullable(nil), Nullable(nil), [:])
        (provider_instance_id, since) = (Nullable(nil), RFC3339.format(bookedAt))
        message = Nullable("a machine is rented at the start")
    }
}

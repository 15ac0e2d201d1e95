/// How the renter reaches a running machine: SSH (key only, as the provider's user) and
/// the container ports mapped to public ones.
public struct MachineConnection: Sendable, Hashable, Codable {
    public var host: String
    public var port: Int
    public var user: String
    /// `"8080/tcp"` → public port.
    public var ports: [String: Int]

    public init(host: String, port: Int, user: String, ports: [String: Int] = [:]) {
        self.host = host
        self.port = port
        self.user = user
        self.ports = ports
    }
}

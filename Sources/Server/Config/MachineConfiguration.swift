import Brokerage

/// How bookings on rentable providers get their machines (`GP4U_DEFAULT_IMAGE`,
/// `GP4U_MACHINE_DISK_GB`, `GP4U_PROVISION_INTERVAL`, `GP4U_MACHINE_HEALTH_INTERVAL`). Renting is on when Vast.ai is an
/// enabled provider with a platform key (`GP4U_VASTAI_API_KEY`) and money is real; in
/// simulated mode only with `GP4U_RENT_IN_SIMULATION=yes` (a staging server, the
/// tests), since a rental is paid with real credit while the renter's money is not.
public struct MachineConfiguration: Sendable, Hashable {
    public static let defaultImage = "pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime"

    public var lifecycle = MachineLifecycle.Settings(image: defaultImage)
    /// Seconds between the provisioning service's rounds.
    public var interval: Int64 = 5
    /// Rent machines although the renters' money is simulated.
    public var rentInSimulation = false

    static func fromEnvironment(_ value: (String) -> String?) throws(ConfigError) -> MachineConfiguration {
        var config = MachineConfiguration()
        if let image = value("GP4U_DEFAULT_IMAGE") {
            guard !image.isEmpty, image.count <= 1024, !image.contains(where: \.isWhitespace) else {
                throw ConfigError(
                    "GP4U_DEFAULT_IMAGE", "must be a Docker image reference such as \(defaultImage) (got \"\(image)\")")
            }
            config.lifecycle.image = image
        }
        if let text = value("GP4U_MACHINE_DISK_GB") {
            guard let disk = Int(text), (8...2048).contains(disk) else {
                throw ConfigError(
                    "GP4U_MACHINE_DISK_GB", "must be a whole number of GB from 8 to 2048 (got \"\(text)\")")
            }
            config.lifecycle.diskGB = disk
        }
        if let text = value("GP4U_PROVISION_INTERVAL") {
            guard let seconds = Int64(text), (1...600).contains(seconds) else {
                throw ConfigError("GP4U_PROVISION_INTERVAL", "must be 1 to 600 seconds (got \"\(text)\")")
            }
            config.interval = seconds
            config.lifecycle.poll = seconds
        }
        if let text = value("GP4U_MACHINE_HEALTH_INTERVAL") {
            guard let seconds = Int64(text), (1...3600).contains(seconds) else {
                throw ConfigError("GP4U_MACHINE_HEALTH_INTERVAL", "must be 1 to 3600 seconds (got \"\(text)\")")
            }
            config.lifecycle.health = seconds
        }
        switch value("GP4U_RENT_IN_SIMULATION")?.lowercased() {
        case nil, "no": break
        case "yes": config.rentInSimulation = true
        case let other?: throw ConfigError("GP4U_RENT_IN_SIMULATION", "must be yes or no (got \"\(other)\")")
        }
        return config
    }
}

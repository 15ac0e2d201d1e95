/// The GPU marketplaces GP4U brokers. The raw value is the stable name used in offer ids,
/// configuration (`GP4U_PROVIDERS`), metrics labels and the API.
public enum ProviderID: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case vastai
    case akash
    case ionet
    case render

    /// Human-readable name for dashboards.
    public var displayName: String {
        switch self {
        case .vastai: "Vast.ai"
        case .akash: "Akash"
        case .ionet: "io.net"
        case .render: "Render"
        }
    }

    public var description: String { rawValue }

    public static func < (a: ProviderID, b: ProviderID) -> Bool { a.rawValue < b.rawValue }
}

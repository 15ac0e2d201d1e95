/// Where an offer comes from: the upstream marketplaces GP4U brokers, plus `gp4u` itself
/// for GPUs that providers list directly. The raw value is the stable name used in offer
/// ids, configuration (`GP4U_PROVIDERS`, upstream only), metrics labels and the API.
///
/// `allCases` includes `gp4u` (search, provider summaries); anything that fetches or
/// configures an adapter must use ``upstream`` instead, since `gp4u` has no adapter.
public enum ProviderID: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case vastai
    case akash
    case ionet
    case render
    /// GPUs listed on GP4U by their owners (`POST /api/v1/provider/gpus`); stored in the
    /// database, never fetched, and paid to the owner's earnings account.
    case gp4u

    /// The marketplaces with an adapter and a sync feed, in `GP4U_PROVIDERS` order.
    public static let upstream: [ProviderID] = [.vastai, .akash, .ionet, .render]

    /// Whether offers of this provider are fetched from an upstream marketplace.
    public var isUpstream: Bool { self != .gp4u }

    /// Human-readable name for dashboards.
    public var displayName: String {
        switch self {
        case .vastai: "Vast.ai"
        case .akash: "Akash"
        case .ionet: "io.net"
        case .render: "Render"
        case .gp4u: "GP4U"
        }
    }

    public var description: String { rawValue }

    public static func < (a: ProviderID, b: ProviderID) -> Bool { a.rawValue < b.rawValue }
}

import Ethereum
import Foundation

/// A GPU machine its owner rents out through GP4U directly (provider `gp4u`). It is
/// stored in the database and shown, booked and clustered as an ordinary ``Offer`` whose
/// earnings go to the owner's earnings account.
public struct GPUListing: Sendable, Hashable, Identifiable {
    /// New listings have no track record; they rank with this reliability (as Render
    /// sheet entries without one do) until GP4U measures uptime.
    public static let defaultReliability = 0.9

    /// The offer id: `gp4u-<uuid>`.
    public var id: String
    public var ownerID: String
    public var model: GPUModel
    public var gpuCount: Int
    /// Memory per GPU in GB.
    public var vramGB: Int
    /// Price of the whole machine (all its GPUs) per hour.
    public var pricePerHour: USDC
    public var location: OfferLocation
    public var available: Bool
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: String, ownerID: String, model: GPUModel, gpuCount: Int, vramGB: Int, pricePerHour: USDC,
        location: OfferLocation, available: Bool, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.ownerID = ownerID
        self.model = model
        self.gpuCount = gpuCount
        self.vramGB = vramGB
        self.pricePerHour = pricePerHour
        self.location = location
        self.available = available
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The id a new listing gets for `uuid`.
    public static func offerID(uuid: String) -> String { "\(ProviderID.gp4u.rawValue)-\(uuid)" }

    /// The marketplace view: firm price, live, perf from the catalogue baseline.
    public var offer: Offer {
        Offer(
            provider: .gp4u, externalID: String(id.dropFirst(ProviderID.gp4u.rawValue.count + 1)), model: model,
            providerModelName: model.name, gpuCount: gpuCount, vramGB: vramGB, pricePerHour: pricePerHour,
            location: location, available: available, reliability: Self.defaultReliability,
            lastSynced: Date(timeIntervalSince1970: TimeInterval(updatedAt)), priceKind: .firm)
    }
}

import Ethereum
import Foundation

/// What a provider sends to create (`POST`) or change (`PATCH`) a listing, already
/// decoded; ``validated(creating:)`` checks every field at once so a client fixes them
/// all in one round.
public struct GPUListingInput: Sendable, Hashable {
    public static let gpuCountRange = 1...64
    public static let vramRange = 1...1024
    /// A price ceiling per GPU-hour that catches typos (cents vs dollars) without
    /// limiting any real machine.
    public static let maxPricePerGPUHour = USDC(micro: 1_000 * USDC.scale)

    public var model: String?
    public var gpuCount: Int?
    public var vramGB: Int?
    public var pricePerHour: USDC?
    public var location: String?
    public var country: String?
    public var available: Bool?

    public init(
        model: String? = nil, gpuCount: Int? = nil, vramGB: Int? = nil, pricePerHour: USDC? = nil,
        location: String? = nil,
        country: String? = nil, available: Bool? = nil
    ) {
        self.model = model
        self.gpuCount = gpuCount
        self.vramGB = vramGB
        self.pricePerHour = pricePerHour
        self.location = location
        self.country = country
        self.available = available
    }

    /// Applies the input to `base` (a patch) or builds a new listing (`base` nil: `model`,
    /// `price_per_hour` and `location` are required; `gpu_count` defaults to 1, `vram_gb`
    /// to the catalogue model's memory). The model is canonicalised through the GPU catalogue.
    public func apply(
        to base: GPUListing?, id: String, ownerID: String, now: Int64
    ) throws(MarketValidationError) -> GPUListing {
        var errors: [String: String] = [:]
        var model = base?.model
        if let name = self.model {
            if let m = GPUModel.lookup(name) {
                model = m
            } else {
                errors["model"] =
                    "unknown GPU model \"\(name.prefix(48))\"; use a catalogue name such as \"RTX 4090\" or \"H100 SXM\" (GET /api/v1/gpus/models)"
            }
        } else if base == nil {
            errors["model"] = "model is required"
        }
        let count = gpuCount ?? base?.gpuCount ?? 1
        if !Self.gpuCountRange.contains(count) { errors["gpu_count"] = "gpu_count must be from 1 to 64" }
        // Without a known model there is no default memory; the model error says enough.
        let vram = vramGB ?? base?.vramGB ?? model?.vramGB
        if let vram, !Self.vramRange.contains(vram) { errors["vram_gb"] = "vram_gb must be from 1 to 1024" }
        let price = pricePerHour ?? base?.pricePerHour
        if let price {
            if price <= .zero {
                errors["price_per_hour"] = "price_per_hour must be positive"
            } else if Self.gpuCountRange.contains(count),
                price.micro > Self.maxPricePerGPUHour.micro * Int64(count)
            {
                errors["price_per_hour"] =
                    "price_per_hour is above \(Self.maxPricePerGPUHour) USDC per GPU-hour; check the units"
            }
        } else {
            errors["price_per_hour"] = "price_per_hour is required, e.g. \"0.45\""
        }
        var location = base?.location
        if let text = self.location {
            let region = text.trimmingCharacters(in: .whitespaces)
            if region.isEmpty || region.count > 64 {
                errors["location"] = "location must be 1 to 64 characters, e.g. \"Frankfurt, DE\""
            } else {
                location = OfferLocation(geolocation: region)
            }
        } else if base == nil {
            errors["location"] = "location is required, e.g. \"Frankfurt, DE\""
        }
        if let country {
            if country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }) {
                location?.country = country.uppercased()
            } else {
                errors["country"] = "country must be an ISO 3166-1 alpha-2 code such as \"DE\""
            }
        }
        guard errors.isEmpty, let model, let vram, let price, let location else {
            throw MarketValidationError(fields: errors)
        }
        return GPUListing(
            id: id, ownerID: ownerID, model: model, gpuCount: count, vramGB: vram, pricePerHour: price,
            location: location,
            available: available ?? base?.available ?? true, createdAt: base?.createdAt ?? now, updatedAt: now)
    }
}

import Brokerage
import Ethereum
import Timekeeping

/// A provider's listing as the API shows it; `id` is also its marketplace offer id.
struct GPUListingView: Codable {
    let id: String
    let model: String
    let model_name: String
    let gpu_count: Int
    let vram_gb: Int
    let price_per_hour: USDC
    let price_per_gpu_hour: USDC
    let location: String
    let country: String?
    let available: Bool
    let reliability: Double
    let perf_score: Nullable<Double>
    let g_score: Double
    let created_at: String
    let updated_at: String

    init(_ l: GPUListing) {
        let offer = l.offer
        id = l.id
        model = l.model.id
        model_name = l.model.name
        gpu_count = l.gpuCount
        vram_gb = l.vramGB
        price_per_hour = l.pricePerHour
        price_per_gpu_hour = offer.pricePerGPUHour
        location = l.location.region
        country = l.location.country
        available = l.available
        reliability = offer.reliability
        perf_score = Nullable(offer.perfScore)
        g_score = offer.gScore
        created_at = RFC3339.format(l.createdAt)
        updated_at = RFC3339.format(l.updatedAt)
    }
}

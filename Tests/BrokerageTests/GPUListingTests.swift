import Brokerage
import Ethereum
import Testing

/// Provider listings: validation, defaults, patches, and how they appear as offers.
@Suite("GPU listings")
struct GPUListingTests {
    @Test("a new listing canonicalises the model and takes its defaults from the catalogue")
    func create() throws {
        let l = try GPUListingInput(
            model: "NVIDIA GeForce RTX 4090 24GB", pricePerHour: USDC(parsing: "0.40"), location: "Frankfurt, DE"
        )
        .apply(to: nil, id: GPUListing.offerID(uuid: "abc"), ownerID: "p1", now: 100)
        #expect(l.id == "gp4u-abc")
        #expect(l.model.name == "RTX 4090")
        #expect(l.gpuCount == 1 && l.vramGB == 24 && l.available)
        #expect(l.location.country == "DE")
        let offer = l.offer
        #expect(offer.id == "gp4u-abc" && offer.provider == .gp4u && offer.priceKind == .firm)
        #expect(offer.reliability == GPUListing.defaultReliability)
        #expect(offer.clusterCandidate?.perfScore == PerfScore(rounding: try #require(offer.perfScore)))
    }

    @Test("every bad field is reported at once")
    func invalid() throws {
        func fields(_ input: GPUListingInput) throws -> Set<String> {
            let error = try #require(throws: MarketValidationError.self) {
                try input.apply(to: nil, id: "gp4u-x", ownerID: "p", now: 0)
            }
            return Set(error.fields.keys)
        }
        let bad = GPUListingInput(
            model: "Voodoo 5", gpuCount: 0, vramGB: 0, pricePerHour: USDC(micro: -1), location: " ",
            country: "Deutschland")
        #expect(try fields(bad) == ["model", "gpu_count", "vram_gb", "price_per_hour", "location", "country"])
        #expect(try fields(GPUListingInput()) == ["model", "price_per_hour", "location"])
        // 2000.000001 for 2 GPUs is above the 1000 per GPU-hour ceiling.
        let typo = GPUListingInput(
            model: "H100 SXM", gpuCount: 2, pricePerHour: USDC(micro: 2_000_000_001), location: "x")
        #expect(try fields(typo) == ["price_per_hour"])
    }

    @Test("a patch changes only what it names")
    func patch() throws {
        let base = try GPUListingInput(
            model: "H100 SXM", gpuCount: 8, pricePerHour: USDC(parsing: "16"), location: "Oslo, NO"
        )
        .apply(to: nil, id: "gp4u-h", ownerID: "p", now: 10)
        let changed = try GPUListingInput(pricePerHour: USDC(parsing: "14.5"), available: false).apply(
            to: base, id: base.id, ownerID: "p", now: 20)
        #expect(changed.pricePerHour == USDC(micro: 14_500_000))
        #expect(!changed.available)
        #expect(
            changed.model == base.model && changed.gpuCount == 8 && changed.vramGB == 80
                && changed.location == base.location)
        #expect(changed.createdAt == 10 && changed.updatedAt == 20)
    }

    @Test("gp4u is a provider for search but not an upstream adapter")
    func providerID() {
        #expect(ProviderID.allCases.contains(.gp4u))
        #expect(!ProviderID.upstream.contains(.gp4u))
        #expect(Set(ProviderID.upstream) == Set(ProviderID.allCases.filter(\.isUpstream)))
    }
}

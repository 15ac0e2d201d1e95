/// Provider listings. Each write also upserts the listing's ``Offer`` in the same
/// transaction, so search, booking and clustering see what the provider saved.
public protocol ListingStore: Sendable {
    func createListing(_ listing: GPUListing) async throws
    /// Replaces a listing the caller owns (`listing.ownerID`); throws `ListingError.notFound` otherwise.
    func updateListing(_ listing: GPUListing) async throws
    func listing(id: String) async throws -> GPUListing?
    /// The owner's listings, newest first.
    func listings(ownerID: String) async throws -> [GPUListing]
}

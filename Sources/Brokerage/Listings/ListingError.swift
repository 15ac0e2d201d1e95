/// Why a listing operation was refused.
public enum ListingError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound

    public var description: String { "listing not found" }
}

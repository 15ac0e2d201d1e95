/// What a user may do. Renters book and pay, providers list GPUs and earn,
/// operators run the platform (withdrawal approvals, provider-health resets).
public enum Role: String, Sendable, Codable, CaseIterable {
    case renter
    case provider
    case `operator`
}

/// What a provider call answered.
public enum MachineOutcome: Sendable, Hashable {
    /// `find`: the labelled instance, or nil when there is none.
    case found(ProviderInstance?)
    /// `create`: the new instance's id.
    case created(instanceID: String)
    /// `create`: the provider said no, and asking again will not help.
    case refused(ProvisionRefusal)
    /// `poll`: the instance, or nil when the provider no longer knows it.
    case observed(ProviderInstance?)
    /// `destroy` (also when it was already gone).
    case destroyed
    /// `restart`: the provider is rebooting it.
    case restarted
    /// Rate limited, a 5xx, a timeout, a dropped connection: try again later.
    case transient(String)
}

/// Why a provider would not rent an offer.
public enum ProvisionRefusal: String, Sendable, Hashable, CaseIterable {
    /// The offer is rented by someone else or withdrawn (Vast 404/410 `no_such_ask`).
    case offerGone = "offer_gone"
    /// The platform's account at the provider has no credit (an operator must top it up).
    case noCredit = "no_credit"
    /// Any other refusal (bad arguments, a key without the right scope).
    case rejected
}

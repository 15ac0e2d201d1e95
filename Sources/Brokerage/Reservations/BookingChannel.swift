/// Whether an offer can be booked here, and how. A broker takes money only for what it
/// can deliver: an upstream offer is bookable when this deployment rents that provider's
/// machines (Vast.ai with the platform's key); otherwise it is listed with a link to the
/// provider's own console, as a comparison site links out. GP4U listings are delivered by
/// their owners; generated sample offers are bookable only with simulated money. With
/// simulated money every offer can be booked (nothing real is paid, nothing is rented
/// unless the provider is in `renting`).
public struct BookingChannel: Sendable, Hashable {
    public enum Verdict: Sendable, Hashable {
        /// Booked here; `needsSSHKey` when a machine is rented for it.
        case bookable(needsSSHKey: Bool)
        /// Book at the provider instead (409 `not_bookable`).
        case elsewhere(bookURL: String)
        /// A generated sample offer while real money is in play (409 `sample_offer`).
        case sampleOnly
    }

    /// Providers whose machines this deployment rents (with real money, or in simulation
    /// when the operator asked for it).
    public var renting: Set<ProviderID>
    /// Whether money is simulated (no chain watched): then sample offers can be booked.
    public var simulatedMoney: Bool

    public init(renting: Set<ProviderID>, simulatedMoney: Bool) {
        self.renting = renting
        self.simulatedMoney = simulatedMoney
    }

    public func verdict(for offer: Offer) -> Verdict {
        if offer.source == .sample { return simulatedMoney ? .bookable(needsSSHKey: false) : .sampleOnly }
        if offer.provider == .gp4u { return .bookable(needsSSHKey: false) }
        if renting.contains(offer.provider) { return .bookable(needsSSHKey: true) }
        if simulatedMoney { return .bookable(needsSSHKey: false) }
        return .elsewhere(bookURL: Self.console(offer.provider))
    }

    /// Where a renter books the provider's machines themselves.
    static func console(_ provider: ProviderID) -> String {
        switch provider {
        case .vastai: "https://cloud.vast.ai/create/"
        case .ionet: "https://cloud.io.net/"
        case .akash: "https://console.akash.network/"
        case .render: "https://rendernetwork.com/"
        case .gp4u: "/"
        }
    }
}

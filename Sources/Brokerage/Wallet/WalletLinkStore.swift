import Ethereum

/// Addresses proven (by Sign-In with Ethereum) to belong to an account, and the nonces
/// issued for those proofs. Deposits from a linked address credit its account.
public protocol WalletLinkStore: Sendable {
    /// Records a nonce issued to `userID`, valid until `expiresAt` (seconds since 1970).
    func issueSIWENonce(_ nonce: String, userID: String, expiresAt: Int64) async throws
    /// Marks the nonce used and returns true only if it was issued to `userID`, is unused
    /// and unexpired; atomic, so a nonce links at most once even under races.
    func consumeSIWENonce(_ nonce: String, userID: String, now: Int64) async throws -> Bool
    /// Links `address` to `userID`; linking it again to the same user changes nothing.
    /// Throws `WalletLinkError.linkedToAnotherAccount` when another account holds it.
    func link(_ address: Address, userID: String, chainID: UInt64, at: Int64) async throws -> LinkedAddress
    func linkedAddresses(userID: String) async throws -> [LinkedAddress]
    /// The account an address is linked to, if any.
    func owner(of address: Address) async throws -> String?
}

/// An address linked to an account, and when.
public struct LinkedAddress: Sendable, Hashable {
    public var address: Address
    public var userID: String
    /// The chain the signed message named (an address is the same on every EVM chain).
    public var chainID: UInt64
    public var linkedAt: Int64

    public init(address: Address, userID: String, chainID: UInt64, linkedAt: Int64) {
        self.address = address
        self.userID = userID
        self.chainID = chainID
        self.linkedAt = linkedAt
    }
}

/// Why an address could not be linked.
public enum WalletLinkError: Error, Sendable, Equatable, CustomStringConvertible {
    case linkedToAnotherAccount(Address)

    public var description: String {
        switch self {
        case .linkedToAnotherAccount(let a):
            "address \(a) is already linked to another account; one address belongs to one account"
        }
    }
}

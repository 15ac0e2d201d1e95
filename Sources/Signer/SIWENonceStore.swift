/// Checks and consumes SIWE nonces that the server issued.
///
/// Implementations must make check-and-consume atomic (for example a single `DELETE ...
/// RETURNING` in SQL, or an actor), so that one nonce signs in at most once even when
/// two requests race.
public protocol SIWENonceStore: Sendable {
    /// Returns true, and marks the nonce used, only if it was issued and not yet used;
    /// throws when it cannot tell (its database is down), which is not the signer's fault.
    func consume(nonce: String) async throws -> Bool
}

/// The moments between a withdrawal's durable steps. The sender reports each to an
/// injected hook; tests that prove crash safety kill the process at one of them
/// (`GP4U_TEST_CRASH_AT`), and production's hook does nothing.
public enum SendCheckpoint: String, Sendable, CaseIterable {
    /// Inside the signing transaction, after the nonce was reserved and before it commits.
    case nonceReserved = "nonce_reserved"
    /// The signed transaction is stored; nothing was sent yet.
    case signed
    /// The node accepted the transaction; the broadcast is not recorded yet.
    case broadcast
    /// A receipt at confirmation depth was seen; the ledger is not settled yet.
    case mined
}

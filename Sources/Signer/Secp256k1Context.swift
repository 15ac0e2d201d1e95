import CSecp256k1

/// The one libsecp256k1 context the process uses.
///
/// Creating a context is expensive and randomizing it (blinding against side channels)
/// needs fresh entropy, so it is done once. After `secp256k1_context_randomize` the
/// library documents every signing, verification and recovery call on a context as
/// safe to run concurrently (the context is only read), which is why this wrapper can be
/// shared across tasks.
final class Secp256k1Context: @unchecked Sendable {
    // Unchecked: the pointer is written only in `init`; libsecp256k1 treats the
    // context as read-only in every function this module calls afterwards.
    let pointer: OpaquePointer

    static let shared = Secp256k1Context()

    private init() {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("libsecp256k1: could not create a context")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in 0..<32 { seed[i] = rng.next() }
        guard secp256k1_context_randomize(ctx, seed) == 1 else {
            fatalError("libsecp256k1: could not randomize the context")
        }
        SecretBytes.zero(&seed)
        pointer = ctx
    }
}

/// Heap bytes that are overwritten with zeros when the last reference goes away.
///
/// Swift arrays may be copied and freed without being cleared, so private key material
/// lives here instead. The buffer is allocated once, never resized and never exposed
/// outside this module except through scoped `withUnsafeBytes` calls.
final class SecretBytes: @unchecked Sendable {
    // Unchecked: the buffer is written only in `init` and in `deinit`, when no other
    // reference can exist; all other access is read-only.
    private let buffer: UnsafeMutableRawBufferPointer

    init(_ bytes: some Collection<UInt8>) {
        buffer = .allocate(byteCount: bytes.count, alignment: 16)
        buffer.copyBytes(from: bytes)
    }

    var count: Int { buffer.count }

    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(buffer))
    }

    deinit {
        Self.zero(buffer)
        buffer.deallocate()
    }

    /// Zeroes memory through a call the optimizer cannot see through, so the stores are
    /// not removed as dead.
    @inline(never)
    static func zero(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        let volatile = base.assumingMemoryBound(to: UInt8.self)
        for i in 0..<buffer.count { volatile[i] = 0 }
        withExtendedLifetime(buffer) {}
    }

    /// Zeroes a temporary array that held secret bytes.
    @inline(never)
    static func zero(_ array: inout [UInt8]) {
        array.withUnsafeMutableBytes { zero($0) }
    }
}

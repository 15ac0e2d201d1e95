/// Keccak-256 with the original Keccak padding (`0x01`), as Ethereum uses it.
///
/// This is not FIPS-202 SHA3-256 (padding `0x06`), which is why swift-crypto's SHA3 cannot
/// be used. The permutation keeps the 25 lanes in local variables and is fully unrolled
/// within a round, so hashing allocates nothing beyond the returned digest.
///
/// Use ``hash(_:)`` for one-shot hashing, or create a value and call ``update(_:)`` as
/// data arrives, then ``finalize()`` (for example to hash a file in chunks).
public struct Keccak256: Sendable {
    /// Digest length in bytes.
    public static let digestSize = 32
    /// Bytes absorbed per permutation: (1600 - 2 × 256) / 8.
    public static let rate = 136

    typealias State = (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
    )
    typealias Block = (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64
    )

    var state: State = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var buffer: Block = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var buffered = 0

    /// A fresh hasher with the empty state.
    public init() {}

    /// Hashes `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var h = Keccak256()
        h.update(bytes)
        return h.finalize()
    }

    /// Hashes the UTF-8 bytes of `text` (function and event signatures, messages).
    public static func hash(utf8 text: String) -> [UInt8] {
        var h = Keccak256()
        var t = text
        t.withUTF8 { h.update(UnsafeRawBufferPointer($0)) }
        return h.finalize()
    }

    /// Absorbs more input; may be called any number of times before ``finalize()``.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// Absorbs more input from raw memory (the fast path for large inputs).
    public mutating func update(_ input: UnsafeRawBufferPointer) {
        guard var base = input.baseAddress, input.count > 0 else { return }
        var remaining = input.count
        let rate = Self.rate
        var buffer = self.buffer
        var state = self.state
        var buffered = self.buffered
        defer {
            self.buffer = buffer
            self.state = state
            self.buffered = buffered
        }
        withUnsafeMutableBytes(of: &buffer) { buf in
            withUnsafeMutableBytes(of: &state) { st in
                let lanes = st.baseAddress!.assumingMemoryBound(to: UInt64.self)
                if buffered > 0 {
                    let take = min(rate - buffered, remaining)
                    buf.baseAddress!.advanced(by: buffered).copyMemory(from: base, byteCount: take)
                    buffered += take
                    base = base.advanced(by: take)
                    remaining -= take
                    if buffered == rate {
                        Keccak256.absorb(lanes, UnsafeRawPointer(buf.baseAddress!), blocks: 1)
                        buffered = 0
                    }
                }
                if remaining >= rate {
                    let blocks = remaining / rate
                    Keccak256.absorb(lanes, base, blocks: blocks)
                    base = base.advanced(by: blocks * rate)
                    remaining -= blocks * rate
                }
                if remaining > 0 {
                    buf.baseAddress!.advanced(by: buffered).copyMemory(from: base, byteCount: remaining)
                    buffered += remaining
                }
            }
        }
    }

    /// Pads, runs the last permutation and returns the 32-byte digest.
    public consuming func finalize() -> [UInt8] {
        let used = buffered
        var out = [UInt8](repeating: 0, count: Self.digestSize)
        var buffer = self.buffer
        var state = self.state
        withUnsafeMutableBytes(of: &buffer) { buf in
            for i in used..<Self.rate { buf[i] = 0 }
            buf[used] ^= 0x01
            buf[Self.rate - 1] ^= 0x80
            withUnsafeMutableBytes(of: &state) { st in
                let lanes = st.baseAddress!.assumingMemoryBound(to: UInt64.self)
                Keccak256.absorb(lanes, UnsafeRawPointer(buf.baseAddress!), blocks: 1)
                for i in 0..<4 {
                    let lane = lanes[i].littleEndian
                    withUnsafeBytes(of: lane) { b in
                        for j in 0..<8 { out[i * 8 + j] = b[j] }
                    }
                }
            }
        }
        return out
    }

    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// XORs `blocks` consecutive rate-sized blocks into the state, permuting after each.
    /// The state lives in locals for the whole run so the compiler keeps it in registers.
    @inline(__always)
    static func absorb(_ state: UnsafeMutablePointer<UInt64>, _ data: UnsafeRawPointer, blocks: Int) {
        var a0 = state[0]
        var a1 = state[1]
        var a2 = state[2]
        var a3 = state[3]
        var a4 = state[4]
        var a5 = state[5]
        var a6 = state[6]
        var a7 = state[7]
        var a8 = state[8]
        var a9 = state[9]
        var a10 = state[10]
        var a11 = state[11]
        var a12 = state[12]
        var a13 = state[13]
        var a14 = state[14]
        var a15 = state[15]
        var a16 = state[16]
        var a17 = state[17]
        var a18 = state[18]
        var a19 = state[19]
        var a20 = state[20]
        var a21 = state[21]
        var a22 = state[22]
        var a23 = state[23]
        var a24 = state[24]
        var p = data
        roundConstants.withUnsafeBufferPointer { rcs in
            let rc = rcs.baseAddress!
            for _ in 0..<blocks {
                a0 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
                a1 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                a2 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
                a3 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
                a4 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
                a5 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
                a6 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
                a7 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
                a8 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 64, as: UInt64.self))
                a9 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 72, as: UInt64.self))
                a10 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 80, as: UInt64.self))
                a11 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 88, as: UInt64.self))
                a12 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 96, as: UInt64.self))
                a13 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 104, as: UInt64.self))
                a14 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 112, as: UInt64.self))
                a15 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 120, as: UInt64.self))
                a16 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 128, as: UInt64.self))
                for round in 0..<24 {
                    let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
                    let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
                    let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
                    let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
                    let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
                    let d0 = c4 ^ (c1 &<< 1 | c1 &>> 63)
                    let d1 = c0 ^ (c2 &<< 1 | c2 &>> 63)
                    let d2 = c1 ^ (c3 &<< 1 | c3 &>> 63)
                    let d3 = c2 ^ (c4 &<< 1 | c4 &>> 63)
                    let d4 = c3 ^ (c0 &<< 1 | c0 &>> 63)
                    let b0 = a0 ^ d0
                    let b16 = ((a5 ^ d0) &<< 36 | (a5 ^ d0) &>> 28)
                    let b7 = ((a10 ^ d0) &<< 3 | (a10 ^ d0) &>> 61)
                    let b23 = ((a15 ^ d0) &<< 41 | (a15 ^ d0) &>> 23)
                    let b14 = ((a20 ^ d0) &<< 18 | (a20 ^ d0) &>> 46)
                    let b10 = ((a1 ^ d1) &<< 1 | (a1 ^ d1) &>> 63)
                    let b1 = ((a6 ^ d1) &<< 44 | (a6 ^ d1) &>> 20)
                    let b17 = ((a11 ^ d1) &<< 10 | (a11 ^ d1) &>> 54)
                    let b8 = ((a16 ^ d1) &<< 45 | (a16 ^ d1) &>> 19)
                    let b24 = ((a21 ^ d1) &<< 2 | (a21 ^ d1) &>> 62)
                    let b20 = ((a2 ^ d2) &<< 62 | (a2 ^ d2) &>> 2)
                    let b11 = ((a7 ^ d2) &<< 6 | (a7 ^ d2) &>> 58)
                    let b2 = ((a12 ^ d2) &<< 43 | (a12 ^ d2) &>> 21)
                    let b18 = ((a17 ^ d2) &<< 15 | (a17 ^ d2) &>> 49)
                    let b9 = ((a22 ^ d2) &<< 61 | (a22 ^ d2) &>> 3)
                    let b5 = ((a3 ^ d3) &<< 28 | (a3 ^ d3) &>> 36)
                    let b21 = ((a8 ^ d3) &<< 55 | (a8 ^ d3) &>> 9)
                    let b12 = ((a13 ^ d3) &<< 25 | (a13 ^ d3) &>> 39)
                    let b3 = ((a18 ^ d3) &<< 21 | (a18 ^ d3) &>> 43)
                    let b19 = ((a23 ^ d3) &<< 56 | (a23 ^ d3) &>> 8)
                    let b15 = ((a4 ^ d4) &<< 27 | (a4 ^ d4) &>> 37)
                    let b6 = ((a9 ^ d4) &<< 20 | (a9 ^ d4) &>> 44)
                    let b22 = ((a14 ^ d4) &<< 39 | (a14 ^ d4) &>> 25)
                    let b13 = ((a19 ^ d4) &<< 8 | (a19 ^ d4) &>> 56)
                    let b4 = ((a24 ^ d4) &<< 14 | (a24 ^ d4) &>> 50)
                    a0 = b0 ^ (~b1 & b2)
                    a1 = b1 ^ (~b2 & b3)
                    a2 = b2 ^ (~b3 & b4)
                    a3 = b3 ^ (~b4 & b0)
                    a4 = b4 ^ (~b0 & b1)
                    a5 = b5 ^ (~b6 & b7)
                    a6 = b6 ^ (~b7 & b8)
                    a7 = b7 ^ (~b8 & b9)
                    a8 = b8 ^ (~b9 & b5)
                    a9 = b9 ^ (~b5 & b6)
                    a10 = b10 ^ (~b11 & b12)
                    a11 = b11 ^ (~b12 & b13)
                    a12 = b12 ^ (~b13 & b14)
                    a13 = b13 ^ (~b14 & b10)
                    a14 = b14 ^ (~b10 & b11)
                    a15 = b15 ^ (~b16 & b17)
                    a16 = b16 ^ (~b17 & b18)
                    a17 = b17 ^ (~b18 & b19)
                    a18 = b18 ^ (~b19 & b15)
                    a19 = b19 ^ (~b15 & b16)
                    a20 = b20 ^ (~b21 & b22)
                    a21 = b21 ^ (~b22 & b23)
                    a22 = b22 ^ (~b23 & b24)
                    a23 = b23 ^ (~b24 & b20)
                    a24 = b24 ^ (~b20 & b21)
                    a0 ^= rc[round]
                }

                p = p.advanced(by: rate)
            }
        }
        state[0] = a0
        state[1] = a1
        state[2] = a2
        state[3] = a3
        state[4] = a4
        state[5] = a5
        state[6] = a6
        state[7] = a7
        state[8] = a8
        state[9] = a9
        state[10] = a10
        state[11] = a11
        state[12] = a12
        state[13] = a13
        state[14] = a14
        state[15] = a15
        state[16] = a16
        state[17] = a17
        state[18] = a18
        state[19] = a19
        state[20] = a20
        state[21] = a21
        state[22] = a22
        state[23] = a23
        state[24] = a24
    }
}

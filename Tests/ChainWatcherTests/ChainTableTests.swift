import ChainWatcher
import Ethereum
import Testing

/// The chain table must match Circle's published native USDC addresses and our
/// confirmation depths: a wrong address or depth would credit the wrong token or
/// credit too early.
@Suite("Chain table")
struct ChainTableTests {
    @Test(
        "defaults of chains.md",
        arguments: [
            (1, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 12),
            (137, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", 128),
            (11_155_111, "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238", 3),
            (80_002, "0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582", 10),
        ])
    func defaults(id: Int, usdc: String, confirmations: Int) throws {
        let chain = try #require(Chain.known(id: id))
        #expect(chain.usdc == usdc)
        #expect(chain.confirmations == confirmations)
        // Stored with a valid EIP-55 checksum, so a typo cannot slip in.
        #expect(try Address(parsing: chain.usdc).checksummed == chain.usdc)
    }

    @Test("Mumbai is gone, bridged USDC.e is not native USDC")
    func retired() {
        #expect(Chain.known(id: 80_001) == nil)
        #expect(Chain.known(id: 137)?.usdc.lowercased() != "0x2791bca1f2de4661ed88a30c99a7a9449aa84174")
        #expect(Set(Chain.known.map(\.id)).count == Chain.known.count)
    }
}

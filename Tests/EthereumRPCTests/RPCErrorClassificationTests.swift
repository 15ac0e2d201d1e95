import Ethereum
import EthereumRPC
import Testing

/// Pure tests of what the RPC layer does with each failure: retry, shrink a log range
/// (with the node's suggested range when it gives one) or give up.
@Suite("RPC error classification")
struct RPCErrorClassificationTests {
    static func node(_ code: Int, _ message: String) -> RPCError {
        .node(code: code, message: message, endpoint: "https://n.example/…")
    }

    @Test(
        "range wordings of real providers",
        arguments: [
            (-32005, "query returned more than 10000 results"),
            (-32000, "block range is too wide"),
            (-32602, "eth_getLogs is limited to a 10,000 range"),
            (-32000, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"),
            (-32000, "logs matched by query exceeds limit of 10000"),
            (-32000, "response too large"),
            (-32600, "exceed maximum block range: 5000"),
        ])
    func rangeWordings(code: Int, message: String) {
        #expect(Self.node(code, message).classification == .rangeTooLarge(suggested: nil))
    }

    @Test(
        "the suggested range is parsed",
        arguments: [
            (
                "Log response size exceeded. Based on your parameters, this block range should work: [0x1e8480, 0x1e8c4f]",
                2_000_000...2_001_999
            ),
            (
                "query returned more than 10000 results. Try with this block range [0x10, 0x20]. this block range should work: [0x10,0x1f]",
                16...31
            ),
            ("this block range should work: [0x20, 0x10]", 16...32),
        ] as [(String, ClosedRange<UInt64>)])
    func suggested(message: String, range: ClosedRange<UInt64>) {
        #expect(Self.node(-32602, message).classification == .rangeTooLarge(suggested: range))
    }

    @Test func aSuggestionThatCannotBeReadIsIgnored() {
        #expect(
            Self.node(-32602, "this block range should work: [0x01, banana]").classification
                == .rangeTooLarge(suggested: nil))
    }

    @Test func aSuggestionInTheDataMemberIsFound() throws {
        let endpoint = try RPCEndpoint(parsing: "https://n.example/key")
        let error = RPCError(
            node: RPCErrorObject(
                code: -32602, message: "Log response size exceeded.", data: "this block range should work: [0x5, 0x9]"),
            endpoint: endpoint)
        #expect(error.classification == .rangeTooLarge(suggested: 5...9))
    }

    @Test(
        "retryable and permanent",
        arguments: [
            (node(-32000, "header not found"), RPCErrorClass.retryable),
            (node(-32005, "daily request count exceeded, request rate limited"), .retryable),
            (node(-32603, "internal error"), .retryable),
            (node(-32601, "the method eth_foo does not exist"), .permanent),
            (node(-32602, "invalid argument 0: hex string has leading zero digits"), .permanent),
            (node(-32700, "parse error"), .permanent),
            (node(-32000, "nonce too low"), .permanent),
            (node(-32000, "replacement transaction underpriced"), .permanent),
            (node(-32000, "already known"), .permanent),
            (node(-32000, "transaction underpriced: gas tip cap 1, minimum needed 25000000000"), .permanent),
            (.timeout(endpoint: "x"), .retryable),
            (.connectionFailed(endpoint: "x"), .retryable),
            (.httpStatus(429, endpoint: "x"), .retryable),
            (.httpStatus(502, endpoint: "x"), .retryable),
            (.httpStatus(403, endpoint: "x"), .retryable),
            (.malformedResponse("missing field hash", endpoint: "x"), .permanent),
            (.cancelled, .permanent),
        ])
    func classes(error: RPCError, expected: RPCErrorClass) {
        #expect(error.classification == expected)
    }

    @Test func aNodeQuotingTheURLIsScrubbed() throws {
        let url = "https://n.example/v2/SECRET"
        let error = RPCError(
            node: RPCErrorObject(code: -32000, message: "upstream \(url) failed"),
            endpoint: try RPCEndpoint(parsing: url))
        #expect(!error.description.contains("SECRET"))
        #expect(error.description.contains("https://n.example/…"))
    }

    @Test(
        "endpoints print without path, query or credentials",
        arguments: [
            ("https://eth-mainnet.g.alchemy.com/v2/abcdef", "https://eth-mainnet.g.alchemy.com/…"),
            ("http://127.0.0.1:8545", "http://127.0.0.1:8545"),
            ("http://127.0.0.1:8545/", "http://127.0.0.1:8545"),
            ("https://node.example?apikey=abc", "https://node.example/…"),
            ("https://user:pass@node.example:8443", "https://node.example:8443/…"),
            ("HTTPS://Node.Example/x", "https://Node.Example/…"),
        ])
    func redaction(url: String, shown: String) throws {
        let endpoint = try RPCEndpoint(parsing: url)
        #expect(endpoint.redacted == shown)
        #expect("\(endpoint)" == shown && String(reflecting: endpoint).contains(shown))
    }

    @Test(
        "bad endpoint URLs are refused",
        arguments: [
            ("ws://node.example", RPCEndpointError.unsupportedScheme), ("node.example:8545", .unsupportedScheme),
            ("http://", .missingHost), ("", .unsupportedScheme),
        ])
    func badEndpoints(url: String, error: RPCEndpointError) {
        #expect(throws: error) { try RPCEndpoint(parsing: url) }
    }
}

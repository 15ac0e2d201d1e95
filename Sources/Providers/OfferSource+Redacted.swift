import Brokerage

/// Adapters holding a provider key describe themselves without it: swift-service-lifecycle
/// logs every service at debug level with `String(describing:)`, which would otherwise
/// print the key of the adapter inside the market sync (CI's secret scan found it).
extension VastAdapter: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "VastAdapter(baseURL: \(baseURL), apiKey: \(apiKey == nil ? "none" : "<redacted>"))"
    }
    public var debugDescription: String { description }
}

extension IONetAdapter: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "IONetAdapter(baseURL: \(baseURL), apiKey: <redacted>)" }
    public var debugDescription: String { description }
}

/// A provider's API key: it goes out in a request header and nowhere else. Every way of
/// printing one (description, debug description, reflection, and so any struct holding
/// it, such as a service swift-service-lifecycle logs at debug level) says `<redacted>`.
public struct ProviderKey: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The key itself, for the one header that carries it.
    public let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

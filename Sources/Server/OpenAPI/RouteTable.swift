import Hummingbird
import Synchronization

/// Every route the server registered, with its spec. Filled while the router is built,
/// read afterwards (405 answers, the OpenAPI document).
public final class RouteTable: Sendable {
    private let specs = Mutex<[RouteSpec]>([])

    public init() {}

    public var all: [RouteSpec] { specs.withLock { $0 } }

    func append(_ spec: RouteSpec) { specs.withLock { $0.append(spec) } }

    /// Methods registered for a concrete path (templates match any one segment).
    func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/")
        return all.filter { spec in
            let template = spec.path.split(separator: "/")
            return template.count == segments.count
                && zip(template, segments).allSatisfy { t, s in t.hasPrefix("{") || t == s }
        }.map(\.method.rawValue).sorted()
    }
}

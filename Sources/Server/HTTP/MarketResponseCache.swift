import Brokerage
import Foundation
import Synchronization

/// Encoded answers of read-only market routes, valid for one market index.
///
/// The arbitrage book is computed once per sync, so between syncs the same query always
/// has the same answer; caching its bytes turns a request into a dictionary lookup. The
/// cache empties itself when a new index is published (another build, even one made in
/// the same second as the last).
final class MarketResponseCache: Sendable {
    private struct State {
        var index: MarketIndex?
        var bodies: [String: [UInt8]] = [:]
    }

    private let state = Mutex(State())
    private let limit: Int

    init(limit: Int = 4096) { self.limit = limit }

    /// The cached body for `key` under `index`, or `make()`'s (stored for next time).
    func body(for key: String, index: MarketIndex, make: () throws -> [UInt8]) rethrows -> [UInt8] {
        if let hit = state.withLock({ $0.index?.isIdentical(to: index) == true ? $0.bodies[key] : nil }) { return hit }
        let body = try make()
        state.withLock { s in
            if s.index?.isIdentical(to: index) != true || s.bodies.count >= limit {
                s.index = index
                s.bodies.removeAll(keepingCapacity: true)
            }
            s.bodies[key] = body
        }
        return body
    }
}

import Brokerage
import Foundation
import NIOCore
import Synchronization

/// Every offer's JSON, rendered once per market index, so a search page is a copy of
/// byte ranges.
///
/// Search is the hottest route and its answer is up to a page of offers. Encoding them
/// with `JSONEncoder` per request cost more than the search itself, and a cache keyed by
/// offer id still hashed each id and compared each offer on every request. Rendering
/// happens when an index is prepared (before it is published, see
/// ``MarketIndexHolder/prepareEachIndex(with:)``), reusing the previous index's bytes
/// for offers that did not change. Bytes are those of ``encodeJSON(_:)``.
final class OfferJSONCache: Sendable {
    /// One index's offers rendered back to back, in the index's order.
    private final class Rendering: Sendable {
        let index: MarketIndex
        let json: [UInt8]
        /// `ends[p]`: where offer `p`'s JSON ends (it starts where `p - 1`'s ends).
        let ends: [Int]

        init(index: MarketIndex, json: [UInt8], ends: [Int]) {
            (self.index, self.json, self.ends) = (index, json, ends)
        }

        func range(_ p: Int) -> Range<Int> { (p == 0 ? 0 : ends[p - 1])..<ends[p] }
    }

    /// The last two renderings: the published index's, and the next one's while it is
    /// prepared and not yet published.
    private let renderings = Mutex<[Rendering]>([])
    /// One rendering at a time, so requests that find none wait for it rather than repeat it.
    private let rendering = Mutex(())
    private let booking: BookingChannel

    init(booking: BookingChannel) { self.booking = booking }

    /// A page body `{"items":[...],"next_cursor":"..."}` (key omitted when nil, as the
    /// encoder of `Page` writes it) for `matches` in `index`, built in the buffer the
    /// response sends.
    func page(_ matches: OfferMatches, in index: MarketIndex) throws -> ByteBuffer {
        let r = try prepare(index)
        var out = ByteBuffer()
        out.reserveCapacity(matches.positions.reduce(64) { $0 + 1 + r.range($1).count })
        out.writeString(#"{"items":["#)
        r.json.withUnsafeBufferPointer { json in
            for (i, p) in matches.positions.enumerated() {
                if i > 0 { out.writeInteger(UInt8(ascii: ",")) }
                out.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: json[r.range(p)])))
            }
        }
        out.writeString("]")
        if let nextCursor = matches.nextCursor {
            // Cursors are base64url: nothing in them needs escaping, so no encoder is run.
            precondition(
                nextCursor.utf8.allSatisfy { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 >= 0x20 })
            out.writeString(#","next_cursor":""#)
            out.writeString(nextCursor)
            out.writeString("\"")
        }
        out.writeString("}")
        return out
    }

    /// Renders `index`'s offers unless already done.
    @discardableResult
    private func prepare(_ index: MarketIndex) throws -> Rendering {
        if let done = rendered(index) { return done }
        return try rendering.withLock { _ in
            if let done = rendered(index) { return done }
            let r = try Self.render(index, reusing: renderings.withLock { $0.last }, booking: booking)
            renderings.withLock { all in
                all.append(r)
                if all.count > 2 { all.removeFirst() }
            }
            return r
        }
    }

    /// How many renderings are kept (for tests: at most the published one once it is asked for).
    var renderingsHeld: Int { renderings.withLock { $0.count } }

    /// For ``MarketIndexHolder/prepareEachIndex(with:)``: an offer that cannot be
    /// encoded is reported by the first search that needs it, not here.
    func prepareIgnoringErrors(_ index: MarketIndex) { _ = try? prepare(index) }

    /// Once a request asks for the newest rendering, its index is published and the older
    /// one (tens of megabytes at 100,000 offers) is let go.
    private func rendered(_ index: MarketIndex) -> Rendering? {
        var released: [Rendering] = []
        defer { released.removeAll() }  // freed outside the lock
        return renderings.withLock { all in
            guard let i = all.lastIndex(where: { $0.index.isIdentical(to: index) }) else { return nil }
            if i == all.count - 1, i > 0 {
                released = Array(all[..<i])
                all.removeFirst(i)
            }
            return all.last
        }
    }

    private static func render(_ index: MarketIndex, reusing previous: Rendering?, booking: BookingChannel) throws
        -> Rendering
    {
        var json: [UInt8] = []
        json.reserveCapacity(previous?.json.count ?? index.offers.count * 700)
        var ends: [Int] = []
        ends.reserveCapacity(index.offers.count)
        for offer in index.offers {
            if let previous, let p = previous.index.position(of: offer.id), previous.index.offers[p] == offer {
                json.append(contentsOf: previous.json[previous.range(p)])
            } else {
                json.append(contentsOf: try encodeJSON(OfferView(offer, booking: booking)))
            }
            ends.append(json.count)
        }
        return Rendering(index: index, json: json, ends: ends)
    }
}

import Brokerage
import Foundation
import Synchronization

/// Each offer's JSON, encoded once and reused until the offer changes.
///
/// Search is the hottest route and its answer is up to a page of offers; encoding them
/// with `JSONEncoder` on every request cost more than the search itself. An entry is
/// reused only while the cached offer equals the current one, so a sync that changes a
/// price re-encodes just that offer. Bytes are those of ``encodeJSON(_:)``.
final class OfferJSONCache: Sendable {
    private struct Entry {
        let offer: Offer
        let json: [UInt8]
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Entries beyond this are dropped wholesale (offers that vanished from the market).
    private let limit: Int

    init(limit: Int = 250_000) { self.limit = limit }

    /// A page body `{"items":[...],"next_cursor":"..."}` (key omitted when nil, as the
    /// encoder of `Page` writes it).
    func page(_ offers: [Offer], nextCursor: String?) throws -> [UInt8] {
        var out: [UInt8] = Array(#"{"items":["#.utf8)
        out.reserveCapacity(offers.count * 700 + 64)
        // One lock for the page, bytes appended in place; only misses are encoded.
        let misses = entries.withLock { cache in
            var misses: [(at: Int, offer: Offer)] = []
            for (i, offer) in offers.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if let hit = cache[offer.id], hit.offer == offer { out += hit.json } else { misses.append((out.count, offer)) }
            }
            return misses
        }
        for miss in misses.reversed() { out.insert(contentsOf: try json(for: miss.offer), at: miss.at) }
        out += Array("]".utf8)
        if let nextCursor {
            // Cursors are base64url: nothing in them needs escaping, so no encoder is run.
            precondition(nextCursor.utf8.allSatisfy { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 >= 0x20 })
            out += Array(#","next_cursor":""#.utf8) + Array(nextCursor.utf8) + [UInt8(ascii: "\"")]
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    func json(for offer: Offer) throws -> [UInt8] {
        if let hit = entries.withLock({ $0[offer.id] }), hit.offer == offer { return hit.json }
        let json = Array(try encodeJSON(OfferView(offer)))
        entries.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[offer.id] = Entry(offer: offer, json: json)
        }
        return json
    }
}

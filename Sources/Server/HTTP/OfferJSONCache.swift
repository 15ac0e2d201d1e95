import Brokerage
import Foundation
import NIOCore
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
    /// encoder of `Page` writes it), built in the buffer the response sends.
    func page(_ offers: [Offer], nextCursor: String?) throws -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(offers.count * 700 + 64)
        out.writeString(#"{"items":["#)
        // One lock for the page, bytes appended in place; misses are encoded after it and
        // put in at their places.
        let misses = entries.withLock { cache in
            var misses: [(at: Int, offer: Offer)] = []
            for (i, offer) in offers.enumerated() {
                if i > 0 { out.writeInteger(UInt8(ascii: ",")) }
                if let hit = cache[offer.id], hit.offer == offer { out.writeBytes(hit.json) } else { misses.append((out.writerIndex, offer)) }
            }
            return misses
        }
        if !misses.isEmpty {
            var filled = ByteBuffer()
            filled.reserveCapacity(out.readableBytes + misses.count * 700)
            var from = 0
            for miss in misses {
                filled.writeBytes(out.readableBytesView[from..<miss.at])
                filled.writeBytes(try json(for: miss.offer))
                from = miss.at
            }
            filled.writeBytes(out.readableBytesView[from...])
            out = filled
        }
        out.writeString("]")
        if let nextCursor {
            // Cursors are base64url: nothing in them needs escaping, so no encoder is run.
            precondition(nextCursor.utf8.allSatisfy { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 >= 0x20 })
            out.writeString(#","next_cursor":""#)
            out.writeString(nextCursor)
            out.writeString("\"")
        }
        out.writeString("}")
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

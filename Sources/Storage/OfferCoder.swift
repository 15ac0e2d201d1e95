import Brokerage
import Foundation

/// Turns offers into `offers` rows: the JSON the domain owns plus the columns queries use,
/// and a digest of the content that tells the sync which offers changed. One coder serves
/// a whole replacement (a JSON encoder per offer was a visible cost at 100,000 offers).
struct OfferCoder {
    private let encoder: JSONEncoder = .sorted

    /// FNV-1a (64 bits) of the offer's JSON with its sync time left out: stable across
    /// processes and versions of Swift (unlike `Hasher`), and cheap next to the encoding.
    func digest(_ offer: Offer) throws -> Int64 {
        var timeless = offer
        timeless.lastSynced = Date(timeIntervalSince1970: 0)
        let json = try encoder.encode(timeless)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        json.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        return Int64(bitPattern: hash)
    }

    /// The binds of one row, in the column order `SQLStore.upsert(rows:in:)` names.
    func row(_ offer: Offer, digest: Int64, at now: Int64) throws -> [SQLValue] {
        let data = String(decoding: try encoder.encode(offer), as: UTF8.self)
        return [
            .text(offer.id), .text(offer.provider.rawValue), .text(offer.model.id), .bool(offer.available),
            .int(offer.pricePerHour.micro), .text(data), .int(now), .int(digest),
        ]
    }
}

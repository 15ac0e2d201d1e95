import Foundation

/// The opaque paging cursor: the sort, and the sort key and id of the last offer returned.
///
/// Keyed (not positional), so a page stays correct when the index is rebuilt between
/// requests: the next page starts after that (key, id) in the new index.
struct OfferCursor: Sendable, Hashable {
    var sort: OfferSort
    var key: Int64
    var id: String

    init(sort: OfferSort, key: Int64, id: String) {
        self.sort = sort
        self.key = key
        self.id = id
    }

    init?(encoded: String) {
        var b64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64.append("=") }
        guard encoded.count <= 512, let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8)
        else { return nil }
        let parts = text.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "c1", let sort = OfferSort(rawValue: String(parts[1])),
            let key = Int64(parts[2]), !parts[3].isEmpty
        else { return nil }
        self.init(sort: sort, key: key, id: String(parts[3]))
    }

    /// Unpadded base64url, written directly: every search page carries a cursor, and
    /// three Foundation string replacements cost more than the page's search.
    var encoded: String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let bytes = Array("c1|\(sort.rawValue)|\(key)|\(id)".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var chunk = UInt32(bytes[i]) << 16
            if n > 1 { chunk |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { chunk |= UInt32(bytes[i + 2]) }
            for j in 0...n { out.append(alphabet[Int(chunk >> (18 - 6 * UInt32(j)) & 63)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

import Foundation
import Hummingbird
import Timekeeping

extension Request {
    /// `limit` (default 50, 1...500) as the contract fixes it.
    func limit() throws -> Int {
        guard let text = uri.queryParameters["limit"].map(String.init) else { return 50 }
        guard let n = Int(text), (1...500).contains(n) else {
            throw APIError.validation("limit must be a whole number from 1 to 500", field: "limit")
        }
        return n
    }

    func queryString(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An RFC 3339 time from the query, e.g. `from=2026-01-01T00:00:00Z`.
    func queryTime(_ name: String) throws -> Int64? {
        guard let text = queryString(name) else { return nil }
        guard let t = RFC3339.parseLenient(text).map(RFC3339.seconds) else {
            throw APIError.validation("\(name) must be an RFC 3339 time such as 2026-01-01T10:00:00Z", field: name)
        }
        return t
    }

    /// Collects the body (up to 1 MiB) once, for handlers that both hash and decode it.
    func bodyBuffer(context: AppRequestContext) async throws -> ByteBuffer {
        var copy = self
        return try await copy.collectBody(upTo: context.maxUploadSize)
    }

    /// Like `decodeJSON`, from an already collected body.
    func decodeJSON<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        let contentType = headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") || contentType.isEmpty else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type", message: "send the body as application/json")
        }
        return try Self.decode(T.self, from: Data(buffer: buffer))
    }
}

/// Opaque list cursors: the last item's key, base64url so clients do not build them.
enum Cursor {
    static func encode(_ key: String) -> String {
        Data(key.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String?) throws -> String? {
        guard let cursor else { return nil }
        var b64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let key = String(data: data, encoding: .utf8) else {
            throw APIError.validation("cursor is not one this server issued", field: "cursor")
        }
        return key
    }
}

struct Page<Item: Codable>: Codable {
    let items: [Item]
    let next_cursor: String?
}

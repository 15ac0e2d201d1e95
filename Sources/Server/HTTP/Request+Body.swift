import Foundation
import Hummingbird

extension Request {
    /// Decodes a JSON body with the contract's errors: 415 for another content type,
    /// 413 past 1 MiB, 400 for malformed JSON, 422 naming the missing or wrong field.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: AppRequestContext) async throws -> T {
        let contentType = headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") || contentType.isEmpty else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "send the body as application/json")
        }
        var copy = self
        let buffer = try await copy.collectBody(upTo: context.maxUploadSize)
        return try Self.decode(T.self, from: Data(buffer: buffer))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError(decoding: error)
        }
    }
}

extension APIError {
    init(decoding error: DecodingError) {
        func path(_ c: [any CodingKey]) -> String {
            c.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let field = path(ctx.codingPath + [key])
            self = .validation("\(field) is required", field: field)
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            let field = path(ctx.codingPath)
            self = .validation("\(field) has the wrong type", field: field)
        case .dataCorrupted(let ctx) where !ctx.codingPath.isEmpty:
            let field = path(ctx.codingPath)
            self = .validation("\(field): \(ctx.debugDescription)", field: field)
        case .dataCorrupted:
            self = APIError(.badRequest, code: "malformed_json", message: "request body is not valid JSON")
        @unknown default:
            self = APIError(.badRequest, code: "malformed_json", message: "request body could not be read")
        }
    }
}

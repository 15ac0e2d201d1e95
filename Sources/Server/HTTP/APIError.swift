import Brokerage
import Foundation
import Hummingbird

/// The one error shape clients see: an HTTP status and
/// `{"error": {"code": "snake_case", "message": "...", "details": {...}}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let details: [String: String]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, details: [String: String] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        // Sorted keys: the same error must be byte-identical (login answers compare bodies).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(
            ErrorBody(error: .init(code: code, message: message, details: details.isEmpty ? nil : details)))
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

private struct ErrorBody: Codable {
    struct Inner: Codable {
        let code: String
        let message: String
        let details: [String: String]?
    }
    let error: Inner
}

extension APIError {
    static func validation(_ message: String, field: String? = nil) -> APIError {
        APIError(
            .unprocessableContent, code: "validation_failed", message: message,
            details: field.map { [$0: message] } ?? [:])
    }
    static func malformed(_ message: String) -> APIError {
        APIError(.badRequest, code: "malformed_request", message: message)
    }
    static let unauthenticated = APIError(
        .unauthorized, code: "unauthenticated", message: "log in and send Authorization: Bearer <token>",
        headers: [.wwwAuthenticate: "Bearer"])
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden", message: message) }
    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found")
    }
}

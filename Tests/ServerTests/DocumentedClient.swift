import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Synchronization
import Testing

/// A test client that holds every answer of an API route to the OpenAPI document the
/// server itself serves: the status must be one the operation lists, and a JSON body must
/// match the schema given for that status. Every route test runs through it, so the
/// document is checked against real responses of every scenario the suite plays.
final class DocumentedClient: TestClientProtocol {
    let inner: any TestClientProtocol
    private let document = Mutex<JSONValue?>(nil)

    init(_ inner: any TestClientProtocol) { self.inner = inner }

    var port: Int? { inner.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?)
        async throws -> TestResponse
    {
        let response = try await inner.executeRequest(uri: uri, method: method, headers: headers, body: body)
        let problems = try await check(response, of: method, uri)
        for problem in problems { Issue.record("\(method) \(uri) → \(response.status.code): \(problem)") }
        return response
    }

    /// What the document gets wrong about this answer; empty when it holds.
    private func check(_ response: TestResponse, of method: HTTPRequest.Method, _ uri: String) async throws
        -> [String]
    {
        // A 500 is never documented: only tests that inject a fault provoke one, on purpose.
        if response.status == .internalServerError { return [] }
        let doc = try await served()
        let path = String(uri.prefix { $0 != "?" })
        guard let operation = Self.operation(in: doc, method: method, path: path) else { return [] }
        guard let documented = operation["responses"]?[String(response.status.code)] else {
            return ["status not in the document"]
        }
        let contentType = response.headers[.contentType] ?? ""
        guard contentType.hasPrefix("application/json"), response.body.readableBytes > 0 else {
            if response.body.readableBytes > 0, documented["content"] == nil {
                return ["a \(contentType) body the document does not mention"]
            }
            return []
        }
        guard let schema = documented["content"]?["application/json"]?["schema"] else {
            return ["a JSON body the document does not describe"]
        }
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
        return SchemaValidator(document: doc).errors(value, schema)
    }

    private func served() async throws -> JSONValue {
        if let doc = document.withLock({ $0 }) { return doc }
        let response = try await inner.executeRequest(
            uri: "/api/v1/openapi.json", method: .get, headers: [:], body: nil)
        let doc = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
        document.withLock { $0 = doc }
        return doc
    }

    /// The operation whose path template matches `path` (`{x}` matches one segment; a
    /// literal segment wins over a template, as in the router).
    static func operation(in doc: JSONValue, method: HTTPRequest.Method, path: String) -> JSONValue? {
        guard case .object(let paths)? = doc["paths"] else { return nil }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (literals: Int, operation: JSONValue)?
        for (template, item) in paths {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count,
                zip(parts, segments).allSatisfy({ t, s in t.hasPrefix("{") ? !s.isEmpty : t == s }),
                let operation = item[method.rawValue.lowercased()]
            else { continue }
            let literals = parts.filter { !$0.hasPrefix("{") }.count
            if literals > best?.literals ?? -1 { best = (literals, operation) }
        }
        return best?.operation
    }
}

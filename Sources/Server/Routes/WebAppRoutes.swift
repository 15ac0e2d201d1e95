import Foundation
import HTTPTypes
import Hummingbird

/// The web app: `/` is its page, `/assets/{file}` its CSS, JavaScript modules and icons,
/// all from ``WebAssets``. The app talks only to `/api/v1` on the same origin, so every
/// answer carries a Content-Security-Policy that allows scripts, styles and requests from
/// this origin alone (no inline script or style, no framing). Files are revalidated on each
/// use (`no-cache` with an ETag, so an unchanged file costs a 304): without a build step
/// the file names carry no version, and a new deploy must never mix old and new modules.
struct WebAppRoutes {
    let assets: WebAssets

    /// `default-src 'none'` and then only what the app uses; `data:` images for the
    /// inline SVG icon in CSS.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Sent with every page and file, including 304s.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: contentSecurityPolicy,
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "no-referrer",
        .xFrameOptions: "DENY",
        .crossOriginOpenerPolicy: "same-origin",
    ]

    func register(on api: APIRouter) {
        api.add(
            RouteSpec(
                .get, "/", "The web app (HTML; its pages are routed in the browser)", tag: "web app",
                produces: "text/html", responses: [200: "The app's page", 304: "Not modified (If-None-Match)"])
        ) { request, _ in
            try serve("index.html", request)
        }
        api.add(
            RouteSpec(
                .get, "/assets/{file}", "A static file of the web app (ETag, Cache-Control, gzip)", tag: "web app",
                produces: "*/*", responses: [200: "The file", 304: "Not modified (If-None-Match)", 404: "No such file"])
        ) { request, context in
            try serve(try context.parameters.require("file"), request)
        }
    }

    private func serve(_ name: String, _ request: Request) throws -> Response {
        guard let file = assets.files[name] else {
            if assets.files.isEmpty {
                throw APIError(
                    .notFound, code: "web_app_missing",
                    message: "the web app's files are not installed (expected in \(assets.directory.path))")
            }
            throw APIError(.notFound, code: "not_found", message: "no web app file \"\(name.prefix(100))\"")
        }
        let gzip = file.gzipped != nil && Self.acceptsGzip(request.headers[.acceptEncoding])
        let etag = gzip ? file.gzipETag : file.etag
        var headers = Self.securityHeaders
        headers[.eTag] = etag
        headers[.cacheControl] = "no-cache"
        headers[.vary] = "Accept-Encoding"
        if Self.matches(request.headers[.ifNoneMatch], etags: [file.etag, file.gzipETag]) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = file.contentType
        if gzip, let packed = file.gzipped {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: packed))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
    }

    /// Whether `Accept-Encoding` lists gzip (or `*`) without `q=0`.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var star: Bool?
        for item in header.lowercased().split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = parts.first else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if coding == "gzip" || coding == "x-gzip" { return q > 0 }
            if coding == "*" { star = q > 0 }
        }
        return star ?? false
    }

    /// `If-None-Match` against our tags: `*`, or any listed tag equal to one of them,
    /// compared weakly as RFC 9110 asks for this header (a `W/` prefix is ignored). Either
    /// representation's tag matches: both are the same file.
    static func matches(_ header: String?, etags: [String]) -> Bool {
        guard let header else { return false }
        if header.trimmingCharacters(in: .whitespaces) == "*" { return true }
        return header.split(separator: ",").contains { raw in
            var tag = raw.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return etags.contains(tag)
        }
    }
}

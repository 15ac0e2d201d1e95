import Crypto
import Foundation
import NIOCore

/// The web app's static files (HTML, CSS, JavaScript modules, SVG), read once from the
/// package's resources and held in memory with their gzip form and ETag. They weigh a few
/// hundred kilobytes, so a request never touches the disk, and a request can only ever
/// name one of these files: there is no path to traverse.
struct WebAssets: Sendable {
    /// One file as it is served.
    struct File: Sendable {
        let contentType: String
        let body: ByteBuffer
        /// The gzip form, when the type compresses and the result is smaller.
        let gzipped: ByteBuffer?
        /// Strong ETag of `body`, quoted.
        let etag: String
        /// The gzip form is another representation, so it has its own tag.
        var gzipETag: String { String(etag.dropLast()) + "-gzip\"" }

        init(bytes: [UInt8], contentType: String) {
            self.contentType = contentType
            body = ByteBuffer(bytes: bytes)
            let digest = SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined()
            etag = "\"\(digest)\""
            let compressible = !contentType.hasPrefix("image/png")
            if compressible, bytes.count > 256, let packed = try? Gzip.compress(bytes), packed.count < bytes.count {
                gzipped = ByteBuffer(bytes: packed)
            } else {
                gzipped = nil
            }
        }
    }

    /// By file name (no folders: the app's folder is flat).
    let files: [String: File]
    /// Where the files were read from, named in the answer when there are none.
    let directory: URL

    /// The types we ship; any other file in the folder is not served.
    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8", "svg": "image/svg+xml", "png": "image/png",
        "json": "application/json; charset=utf-8", "txt": "text/plain; charset=utf-8",
    ]

    /// The files SwiftPM copies into `gp4u_Server.resources` beside the executable (and
    /// beside the test runner). Looked up by hand rather than through `Bundle.module`,
    /// whose accessor stops the process when the folder is missing: a binary copied
    /// without its resources still serves the API, and `/` says what is missing.
    static let bundled = WebAssets(
        directory: Bundle.main.bundleURL.appendingPathComponent(
            "gp4u_Server.resources/Resources/web", isDirectory: true))

    init(directory: URL) {
        self.directory = directory
        var files: [String: File] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where Self.isServableName(name) {
            guard let ext = name.split(separator: ".").last, let type = Self.contentTypes[ext.lowercased()],
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            files[name] = File(bytes: Array(data), contentType: type)
        }
        self.files = files
    }

    /// Plain file names only: letters, digits, `-`, `_` and `.`, not starting with a dot.
    static func isServableName(_ name: Substring) -> Bool {
        !name.isEmpty && name.count <= 100 && name.first != "."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    static func isServableName(_ name: String) -> Bool { isServableName(Substring(name)) }
}

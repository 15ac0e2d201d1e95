import Foundation
import JSON

/// A readable page rendered from the OpenAPI document, with inline styles and no
/// external assets, so it works offline and behind strict CSPs.
enum DocsPage {
    static func render(_ doc: JSONValue) -> String {
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>GP4U API</title><style>
            body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
            header{background:#0d1117;color:#fff;padding:24px 32px}main{max-width:980px;margin:0 auto;padding:24px}
            h2{margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px;text-transform:capitalize}
            .op{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:10px 0;padding:10px 14px}
            .m{display:inline-block;min-width:64px;font-weight:700;font-family:monospace;text-transform:uppercase}
            .get{color:#0969da}.post{color:#1a7f37}.patch,.put{color:#9a6700}.delete{color:#cf222e}
            code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f6f8fa;padding:8px;overflow:auto}
            .lock{font-size:12px;color:#57606a;margin-left:8px}.resp{font-size:13px;color:#57606a}
            @media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}.op{background:#161b22;border-color:#30363d}pre{background:#0d1117}}
            </style></head><body><header><h1>GP4U API</h1>
            """
        html += "<p>\(escape(doc["info"]?["description"]?.string ?? ""))</p>"
        html +=
            "<p>Machine-readable: <a style=\"color:#58a6ff\" href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p></header><main>"
        guard case .object(let paths)? = doc["paths"] else { return html + "</main></body></html>" }
        var byTag: [String: [(String, String, JSONValue)]] = [:]
        for (path, item) in paths {
            guard case .object(let ops) = item else { continue }
            for (method, op) in ops {
                let tag: String
                if case .array(let tags)? = op["tags"], let first = tags.first?.string {
                    tag = first
                } else {
                    tag = "other"
                }
                byTag[tag, default: []].append((path, method, op))
            }
        }
        for tag in byTag.keys.sorted() {
            html += "<h2 id=\"\(escape(tag))\">\(escape(tag))</h2>"
            for (path, method, op) in byTag[tag]!.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                html += "<div class=\"op\"><span class=\"m \(method)\">\(method)</span> <code>\(escape(path))</code>"
                if op["security"] != nil { html += "<span class=\"lock\">🔒 bearer token</span>" }
                html += "<div>\(escape(op["summary"]?.string ?? ""))</div>"
                if let d = op["description"]?.string { html += "<div>\(escape(d))</div>" }
                if case .array(let params)? = op["parameters"], !params.isEmpty {
                    let names = params.compactMap { p -> String? in
                        guard let n = p["name"]?.string, let w = p["in"]?.string else { return nil }
                        return "<code>\(escape(n))</code> (\(w))"
                    }
                    html += "<div class=\"resp\">Parameters: \(names.joined(separator: ", "))</div>"
                }
                if let schema = op["requestBody"]?["content"]?["application/json"]?["schema"] {
                    html += "<pre>\(escape(pretty(schema)))</pre>"
                }
                if case .object(let responses)? = op["responses"] {
                    let list = responses.keys.sorted().map {
                        "\($0) \(escape(responses[$0]?["description"]?.string ?? ""))"
                    }
                    html += "<div class=\"resp\">Responses: \(list.joined(separator: " · "))</div>"
                }
                html += "</div>"
            }
        }
        return html + "</main></body></html>"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func pretty(_ v: JSONValue) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: e.encode(v), as: UTF8.self)) ?? ""
    }
}

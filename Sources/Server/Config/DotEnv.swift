import Foundation

/// Reads `KEY=VALUE` lines (blank lines and `#` comments ignored, optional quotes,
/// optional `export `). The real environment always wins over the file.
public enum DotEnv {
    public static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f {
                value = String(value.dropFirst().dropLast())
            }
            if !key.isEmpty { out[key] = value }
        }
        return out
    }

    /// The process environment over `./.env` (if present).
    public static func mergedEnvironment(file: String = ".env") -> [String: String] {
        var env: [String: String] = [:]
        if let text = try? String(contentsOfFile: file, encoding: .utf8) { env = parse(text) }
        env.merge(ProcessInfo.processInfo.environment) { _, real in real }
        return env
    }
}

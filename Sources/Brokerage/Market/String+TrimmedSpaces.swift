extension Substring {
    /// Without leading and trailing spaces and tabs. Query parameters are trimmed on every
    /// search, where Foundation's `trimmingCharacters(in:)` (a bridge through NSString)
    /// was a visible share of the route's time.
    var trimmedSpaces: String {
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return String(self[first...last])
    }
}

extension String {
    /// See `Substring.trimmedSpaces`.
    var trimmedSpaces: String { self[...].trimmedSpaces }
}
